import request from 'supertest';
import type { PrivateKeyAccount } from 'viem/accounts';
import { TestApp } from '../utils/test-app';

/** The SIWE_DOMAIN test apps are configured with (test/utils/test-app.ts); the Host header plays no part. */
export const SIGN_IN_HOST = 'app.pend.test';

/** Asks for a nonce and signs the returned EIP-4361 message with the account, as a wallet would. */
export async function signedChallenge(testApp: TestApp, account: PrivateKeyAccount) {
  const res = await request(testApp.http).post('/api/auth/nonce').set('Host', SIGN_IN_HOST).send({ address: account.address }).expect(201);
  const message: string = res.body.message;
  const signature = await account.signMessage({ message });
  return { message, signature, nonce: res.body.nonce as string };
}

/** Full wallet sign-in through HTTP; returns the access token. */
export async function walletSignIn(testApp: TestApp, account: PrivateKeyAccount): Promise<string> {
  const { message, signature } = await signedChallenge(testApp, account);
  const res = await request(testApp.http).post('/api/auth/wallet').set('Host', SIGN_IN_HOST).send({ message, signature }).expect(200);
  return res.body.accessToken;
}
