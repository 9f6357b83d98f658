import { loadAppConfig } from '../config/app.config';

describe('Sign-In with Ethereum settings', () => {
  it('defaults to the request host, chain 137, 5-minute nonces', () => {
    expect(loadAppConfig({}).auth.siwe).toEqual({
      domain: undefined,
      uri: undefined,
      chainId: 137,
      nonceTtlSeconds: 300,
      noncesPerMinutePerIp: 60,
    });
  });

  it('reads the settings and names a bad one', () => {
    const siwe = loadAppConfig({ SIWE_DOMAIN: 'app.pend.example:8443', SIWE_URI: 'https://app.pend.example:8443/', SIWE_CHAIN_ID: '1' })
      .auth.siwe;
    expect(siwe).toMatchObject({ domain: 'app.pend.example:8443', uri: 'https://app.pend.example:8443/', chainId: 1 });
    expect(() => loadAppConfig({ SIWE_DOMAIN: 'https://app.pend.example' })).toThrow(/SIWE_DOMAIN/);
    expect(() => loadAppConfig({ SIWE_URI: 'app.pend.example' })).toThrow(/SIWE_URI/);
    expect(() => loadAppConfig({ SIWE_CHAIN_ID: 'mainnet' })).toThrow(/SIWE_CHAIN_ID/);
    expect(() => loadAppConfig({ SIWE_NONCE_TTL_SECONDS: '5' })).toThrow(/SIWE_NONCE_TTL_SECONDS/);
  });
});
