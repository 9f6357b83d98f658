import { randomBytes } from 'node:crypto';
import { TestApp } from './test-app';

export interface AssetFixture {
  name?: string;
  category?: string;
  status?: string;
  targetAmount?: string;
  minInvestment?: string;
  maxInvestment?: string | null;
  expectedApy?: string | null;
  description?: string | null;
  tokenPrice?: string | null;
  opensAt?: Date | null;
  closesAt?: Date | null;
}

/** Inserts an asset straight into the database (open, 1000 USDC target, unless told otherwise); returns its id. */
export async function insertAsset(testApp: TestApp, fixture: AssetFixture = {}): Promise<string> {
  const [row]: { id: string }[] = await testApp.dataSource.query(
    `INSERT INTO assets (name, category, status, target_amount, min_investment, max_investment, expected_apy, description, token_price, opens_at, closes_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      fixture.name ?? `Asset ${randomBytes(3).toString('hex')}`,
      fixture.category ?? 'real_estate',
      fixture.status ?? 'open',
      fixture.targetAmount ?? '1000',
      fixture.minInvestment ?? '10',
      fixture.maxInvestment ?? null,
      fixture.expectedApy ?? null,
      fixture.description ?? null,
      fixture.tokenPrice ?? null,
      fixture.opensAt ?? null,
      fixture.closesAt ?? null,
    ],
  );
  return row.id;
}

/** Gives the user a KYC application in the given state (approved by default), as the latest one. */
export async function setKycStatus(testApp: TestApp, userId: string, status = 'approved'): Promise<void> {
  await testApp.dataSource.query(
    `INSERT INTO kyc_applications (user_id, status, level, submitted_at, reviewed_at) VALUES ($1, $2::kyc_status, 1, clock_timestamp(), CASE WHEN $2::kyc_status IN ('approved', 'rejected') THEN now() END)`,
    [userId, status],
  );
}

export async function countRows(testApp: TestApp, table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const [row]: { n: number }[] = await testApp.dataSource.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return row.n;
}

/** A well-formed agreement acceptance (65-byte hex signature). */
export function agreement(version = '2024-01') {
  return { version, signature: `0x${randomBytes(65).toString('hex')}` };
}
