import { loadAppConfig } from '../config/app.config';

describe('Sign-In with Ethereum settings', () => {
  it('defaults to localhost:<PORT> (never a request header), chain 137, 5-minute nonces', () => {
    expect(loadAppConfig({ PORT: '3123' }).auth.siwe).toEqual({
      domain: 'localhost:3123',
      uri: 'http://localhost:3123',
      chainId: 137,
      nonceTtlSeconds: 300,
      noncesPerMinutePerIp: 60,
    });
  });

  it('refuses to start in production without SIWE_DOMAIN or SIWE_URI, naming each missing one', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    expect(() => loadAppConfig(production)).toThrow(/SIWE_DOMAIN is required[\s\S]*SIWE_URI is required/);
    expect(() => loadAppConfig({ ...production, SIWE_DOMAIN: 'app.pend.example' })).toThrow(/SIWE_URI is required/);
    expect(() => loadAppConfig({ ...production, SIWE_DOMAIN: 'app.pend.example' })).not.toThrow(/SIWE_DOMAIN/);
    expect(() => loadAppConfig({ ...production, SIWE_URI: 'https://app.pend.example' })).toThrow(/SIWE_DOMAIN is required/);
    expect(loadAppConfig({ ...production, SIWE_DOMAIN: 'app.pend.example', SIWE_URI: 'https://app.pend.example' }).auth.siwe).toMatchObject(
      {
        domain: 'app.pend.example',
        uri: 'https://app.pend.example',
      },
    );
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
