import { createHash, randomBytes } from 'node:crypto';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { AccessTokenService } from '../../src/auth/access-token.service';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { TestApp } from './test-app';

/** A signed access token for a user or admin id, as the login routes would issue it. */
export async function tokenFor(testApp: TestApp, kind: 'user' | 'admin', id: string): Promise<string> {
  const issued = await testApp.app.get(AccessTokenService).issue(kind, id, 900);
  return issued.accessToken;
}

/** Inserts an active admin with the given role (its permissions come from the seeded catalogue). */
export async function createAdmin(testApp: TestApp, role: AdminRole, email = `${role}-${randomBytes(4).toString('hex')}@pend.test`) {
  const [row]: { id: string }[] = await testApp.dataSource.query(
    `INSERT INTO admin_users (email, name, role, active) VALUES ($1, $2, $3, true) RETURNING id`,
    [email, `Test ${role}`, role],
  );
  return { id: row.id, email, token: await tokenFor(testApp, 'admin', row.id) };
}

/** A unique, valid E.164 number in the +1 555 range. */
export function randomPhone(): string {
  return `+1555${String(randomBytes(4).readUInt32BE(0) % 10_000_000).padStart(7, '0')}`;
}

/** Inserts a user with a unique phone, hash and wallet on the basic tier; returns its id, wallet account and a token. */
export async function createUser(testApp: TestApp) {
  const account = privateKeyToAccount(generatePrivateKey());
  const phone = randomPhone();
  const phoneHash = createHash('sha256').update(phone, 'utf8').digest('hex');
  const [row]: { id: string }[] = await testApp.dataSource.query(
    `INSERT INTO users (phone_e164, phone_hash, blockchain_address, tier_id)
     VALUES ($1, $2, $3, (SELECT id FROM user_tiers WHERE name = 'basic')) RETURNING id`,
    [phone, phoneHash, account.address],
  );
  return { id: row.id, phone, account, token: await tokenFor(testApp, 'user', row.id) };
}
