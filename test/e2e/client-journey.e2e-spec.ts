import * as bcrypt from 'bcrypt';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import createClient, { type Client } from 'openapi-fetch';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { paths } from '../client/pend-api';
import { agreement } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

/**
 * An investor's whole journey through the client generated from docs/openapi.json (`npm run
 * openapi:client`), against the real app on a real port. The typecheck step of `npm test` checks this
 * file against the generated types, so a contract change the client does not follow breaks the build.
 */

type Api = Client<paths>;

/** A documented error: `code` is typed as the codes the operation declares for that status. */
function expectError<C extends string>(error: { code: C; statusCode: number } | undefined, status: number, code: NoInfer<C>) {
  expect(error).toMatchObject({ statusCode: status, code });
}

const SIWE_DOMAIN = 'app.pend.test';
const ADMIN_EMAIL = 'journey-admin@pend.test';
const ADMIN_PASSWORD = 'correct horse battery staple';

describe('Investor journey through the generated typed client', () => {
  let testApp: TestApp;
  let baseUrl: string;
  let anonymous: Api;
  const clientWith = (token: string): Api => createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    testApp = await createTestApp({ env: { SIWE_DOMAIN, SIWE_URI: `https://${SIWE_DOMAIN}` } });
    await testApp.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    anonymous = createClient<paths>({ baseUrl });
    // The first admin exists before any client does (`npm run admin:create` in production).
    await testApp.dataSource.query(
      `INSERT INTO admin_users (email, name, role, password_hash, active) VALUES ($1, 'Journey', 'superadmin', $2, true)`,
      [ADMIN_EMAIL, bcrypt.hashSync(ADMIN_PASSWORD, 4)],
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('registers with a wallet, passes KYC, browses, invests idempotently and reads holdings and history', async () => {
    // An admin signs in and opens an asset.
    const adminLogin = await anonymous.POST('/api/auth/admin/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    expect(adminLogin.response.status).toBe(200);
    const admin = clientWith(adminLogin.data!.accessToken);
    const assetName = `Harbour Lofts ${randomUUID().slice(0, 8)}`;
    const created = await admin.POST('/api/admin/assets', {
      body: { name: assetName, category: 'real_estate', status: 'open', targetAmount: '1000.00', minInvestment: '10', currency: 'USDC' },
    });
    expect(created.response.status).toBe(201);
    const assetId = created.data!.id;

    // A wallet that no investor uses: the signed message is valid, the wallet is not registered (404).
    const wallet = privateKeyToAccount(generatePrivateKey());
    const challenge = await anonymous.POST('/api/auth/nonce', { body: { address: wallet.address } });
    expect(challenge.response.status).toBe(201);
    const message = challenge.data!.message;
    const signature = await wallet.signMessage({ message });
    const unknownWallet = await anonymous.POST('/api/auth/wallet', { body: { message, signature } });
    expectError(unknownWallet.error, 404, 'wallet_not_registered');

    // Registration reuses the same message and signature.
    const registered = await anonymous.POST('/api/users', { body: { phone: '+14155550142', address: wallet.address, message, signature } });
    expect(registered.error).toBeUndefined();
    expect(registered.response.status).toBe(201);
    const userId = registered.data!.userId;

    // Signing in again later with a fresh nonce.
    const again = await anonymous.POST('/api/auth/nonce', { body: { address: wallet.address } });
    const signedIn = await anonymous.POST('/api/auth/wallet', {
      body: { message: again.data!.message, signature: await wallet.signMessage({ message: again.data!.message }) },
    });
    expect(signedIn.response.status).toBe(200);
    expect(signedIn.data!.userId).toBe(userId);
    const investor = clientWith(signedIn.data!.accessToken);

    // Before KYC, investing is a documented 403.
    const tooEarly = await investor.POST('/api/investments', { body: { assetId, amount: '100.00', agreement: agreement() } });
    expectError(tooEarly.error, 403, 'kyc_not_approved');

    // KYC: the investor submits, an admin reviews and approves through the client.
    const submitted = await investor.POST('/api/kyc/applications', {
      body: {
        level: 1,
        documents: [{ type: 'passport', sha256: 'ab'.repeat(32), storageKey: 'kyc/journey/passport.jpg', mimeType: 'image/jpeg' }],
      },
    });
    expect(submitted.response.status).toBe(201);
    const applicationId = submitted.data!.id;
    const queue = await admin.GET('/api/admin/kyc', { params: { query: { status: 'pending' } } });
    expect(queue.data!.items.map((application) => application.id)).toContain(applicationId);
    expect((await admin.POST('/api/admin/kyc/{id}/start-review', { params: { path: { id: applicationId } } })).response.status).toBe(200);
    const approved = await admin.POST('/api/admin/kyc/{id}/approve', {
      params: { path: { id: applicationId } },
      body: { note: 'documents match' },
    });
    expect(approved.data!.status).toBe('approved');

    // Browse and search the catalogue.
    const catalogue = await investor.GET('/api/assets');
    expect(catalogue.data!.items.some((asset) => asset.id === assetId)).toBe(true);
    const search = await investor.GET('/api/assets', { params: { query: { q: assetName.split(' ')[2] } } });
    expect(search.data!.items.map((asset) => asset.id)).toEqual([assetId]);
    // One asset a page, following the typed nextCursor, gives the same catalogue.
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await investor.GET('/api/assets', { params: { query: { limit: 1, cursor } } });
      walked.push(...page.data!.items.map((asset) => asset.id));
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(catalogue.data!.items.map((asset) => asset.id));
    const detail = await investor.GET('/api/assets/{id}', { params: { path: { id: assetId } } });
    expect(detail.data!.name).toBe(assetName);

    // Invest with an Idempotency-Key; the replay answers the same investment and says so.
    const key = randomUUID();
    const body = { assetId, amount: '250.50', agreement: agreement() };
    const invested = await investor.POST('/api/investments', { params: { header: { 'Idempotency-Key': key } }, body });
    expect(invested.response.status).toBe(201);
    const replayed = await investor.POST('/api/investments', { params: { header: { 'Idempotency-Key': key } }, body });
    expect(replayed.response.status).toBe(201);
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.data!.id).toBe(invested.data!.id);
    expect(replayed.data!.amount).toBe(invested.data!.amount);

    // The key with another body is a documented 422; more than the target is a documented 409.
    const reused = await investor.POST('/api/investments', {
      params: { header: { 'Idempotency-Key': key } },
      body: { ...body, amount: '20.00' },
    });
    expectError(reused.error, 422, 'idempotency_key_reused');
    const oversubscribed = await investor.POST('/api/investments', { body: { assetId, amount: '900.00', agreement: agreement() } });
    expectError(oversubscribed.error, 409, 'asset_oversubscribed');

    // An admin confirms; holdings and history show it.
    const confirmed = await admin.POST('/api/admin/investments/{id}/confirm', {
      params: { path: { id: invested.data!.id } },
      body: {},
    });
    expect(confirmed.data!.status).toBe('confirmed');
    const me = await investor.GET('/api/users/me');
    expect(me.data!.holdings).toEqual([expect.objectContaining({ assetId, confirmedAmount: '250.500000', pendingAmount: '0.000000' })]);
    const mine = await investor.GET('/api/investments/me');
    expect(mine.data!.items.map((investment) => investment.id)).toEqual([invested.data!.id]);
    const history = await investor.GET('/api/users/{id}/transactions', { params: { path: { id: userId } } });
    expect(history.data!.items.length).toBeGreaterThan(0);
  });

  it('meets one documented error of each kind: 400 naming the field, 401, 403, 404', async () => {
    const admin = clientWith(
      (await anonymous.POST('/api/auth/admin/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).data!.accessToken,
    );

    const badAmount = await admin.POST('/api/admin/assets', {
      body: { name: 'Bad', category: 'real_estate', targetAmount: 'ten thousand' },
    });
    expectError(badAmount.error, 400, 'validation_failed');
    expect(JSON.stringify(badAmount.error!.message)).toContain('targetAmount');

    const noToken = await anonymous.GET('/api/users/me');
    expectError(noToken.error, 401, 'unauthorized');

    const adminAsInvestor = await admin.GET('/api/investments/me');
    expectError(adminAsInvestor.error, 403, 'forbidden');

    const missing = await admin.GET('/api/assets/{id}', { params: { path: { id: randomUUID() } } });
    expectError(missing.error, 404, 'asset_not_found');
  });
});
