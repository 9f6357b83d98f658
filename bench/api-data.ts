import { Client } from 'pg';

export interface BenchDataSize {
  users: number;
  transactionsPerUser: number;
  /** Investments per user on average (they feed holdings and analytics). */
  investmentsPerUser: number;
  assets: number;
}

/** What a step took, for the report. */
export type StepTimer = (label: string, work: () => Promise<unknown>) => Promise<void>;

/**
 * Fills a freshly migrated database straight from SQL (generate_series), far faster than going
 * through the legacy JSON importer: users (+ profile, KYC), assets, investments and transactions.
 * Secondary indexes of the two big tables are dropped during the load and rebuilt after, with the
 * exact definitions read from pg_indexes, so the schema ends as the migrations made it.
 */
export async function generateBenchData(client: Client, size: BenchDataSize, timed: StepTimer): Promise<void> {
  // Each step commits with a marker, so a run that is interrupted resumes where it stopped.
  await client.query(`CREATE TABLE IF NOT EXISTS bench_steps (name text PRIMARY KEY, finished_at timestamptz DEFAULT now())`);
  const step = async (label: string, work: () => Promise<unknown>) => {
    const key = label.split(' ')[0];
    if ((await client.query(`SELECT 1 FROM bench_steps WHERE name = $1`, [key])).rowCount) return;
    await timed(label, async () => {
      await client.query('BEGIN');
      try {
        await work();
        await client.query(`INSERT INTO bench_steps (name) VALUES ($1)`, [key]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  };
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET work_mem = '256MB'`);
  // Foreign keys hold by construction here; skipping their per-row triggers saves minutes on 10M rows.
  await client.query(`SET session_replication_role = replica`);

  await step(`users ×${size.users} (+ profiles, KYC)`, async () => {
    await client.query(
      `WITH t AS (SELECT array_agg(id ORDER BY rank) AS ids FROM user_tiers)
       INSERT INTO users (phone_e164, phone_hash, blockchain_address, email, display_name, tier_id, created_at, updated_at)
       SELECT '+1' || (2000000000 + g)::text,
              encode(sha256(convert_to('+1' || (2000000000 + g)::text, 'UTF8')), 'hex'),
              '0x' || lpad(to_hex(g), 40, '0'),
              'user' || g || '@bench.test', 'Bench User ' || g,
              t.ids[1 + g % array_length(t.ids, 1)],
              now() - (g % 1000) * interval '1 hour', now()
       FROM generate_series(1, $1::int) g, t`,
      [size.users],
    );
    await client.query(`INSERT INTO user_profiles (user_id, first_name, last_name, country) SELECT id, 'Bench', 'User', 'US' FROM users`);
    await client.query(
      `INSERT INTO kyc_applications (user_id, status, level, submitted_at)
       SELECT id, CASE WHEN random() < 0.8 THEN 'approved' ELSE 'pending' END::kyc_status, 1, now() - random() * interval '365 days' FROM users`,
    );
    await client.query(`CREATE TABLE bench_user_ordinals AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM users`);
    await client.query(`CREATE UNIQUE INDEX ON bench_user_ordinals (n)`);
  });

  await step(`assets ×${size.assets}`, async () => {
    await client.query(
      `INSERT INTO assets (name, category, status, target_amount, min_investment, max_investment, token_symbol, token_price, expected_apy, description, created_at)
       SELECT (ARRAY['Solar','Harbour','Office','Vineyard','Logistics','Lending','Venture','Gold','Wind','Retail'])[1 + g % 10] || ' ' ||
              (ARRAY['Fund','Tower','Park','Notes','Portfolio','Estate','Trust'])[1 + (g / 10) % 7] || ' ' || g,
              (ARRAY['real_estate','private_credit','venture','commodities'])[1 + g % 4]::asset_category,
              CASE WHEN g % 20 = 0 THEN 'draft' WHEN g % 20 < 14 THEN 'open' WHEN g % 20 < 17 THEN 'funded' WHEN g % 20 < 19 THEN 'closed' ELSE 'cancelled' END::asset_status,
              (100000 + (g % 100) * 50000)::numeric, 100, 50000, 'TK' || g, 1, round((3 + random() * 12)::numeric, 2),
              'Tokenised ' || (ARRAY['solar park','harbour lofts','office tower','vineyard','warehouse','SME loans','startup basket','gold vault','wind farm','retail park'])[1 + g % 10] ||
              ' offering number ' || g || ', quarterly distributions, audited accounts.',
              now() - g * interval '1 hour'
       FROM generate_series(1, $1::int) g`,
      [size.assets],
    );
    await client.query(`CREATE TABLE bench_asset_ordinals AS SELECT row_number() OVER (ORDER BY id)::int AS n, id FROM assets`);
    await client.query(`CREATE UNIQUE INDEX ON bench_asset_ordinals (n)`);
  });

  const investments = Math.round(size.users * size.investmentsPerUser);
  await step(`investments ×${investments} (+ agreements)`, () =>
    withIndexesRebuilt(client, 'investments', async () => {
      await client.query(
        `INSERT INTO investments (user_id, asset_id, amount, tokens, status, created_at)
         SELECT u.id, a.id, amt, CASE WHEN st = 'confirmed' THEN floor(amt) END, st::investment_status, now() - random() * interval '700 days'
         FROM (SELECT g, round((100 + random() * 4900)::numeric, 2) AS amt,
                      CASE WHEN random() < 0.7 THEN 'confirmed' WHEN random() < 0.67 THEN 'pending' ELSE 'cancelled' END AS st
               FROM generate_series(1, $1::int) g) x
         JOIN bench_user_ordinals u ON u.n = 1 + (x.g::bigint * 7919) % $2::int
         JOIN bench_asset_ordinals a ON a.n = 1 + (x.g::bigint * 104729) % $3::int`,
        [investments, size.users, size.assets],
      );
      await client.query(
        `INSERT INTO investment_agreements (investment_id, version, accepted_at, ip_address, signature)
         SELECT id, '2024-01', created_at, '10.0.0.1', '0x00' FROM investments`,
      );
    }),
  );

  const transactions = size.users * size.transactionsPerUser;
  await step(`transactions ×${transactions}`, () =>
    withIndexesRebuilt(client, 'transactions', () =>
      client.query(
        `INSERT INTO transactions (user_id, type, amount, currency, status, asset_id, created_at)
         SELECT u.id, (ARRAY['deposit','withdrawal','investment','distribution','fee','refund'])[1 + (s + u.n) % 6]::transaction_type,
                round((random() * 5000)::numeric, 6), 'USDC',
                CASE WHEN random() < 0.9 THEN 'completed' WHEN random() < 0.5 THEN 'pending' ELSE 'failed' END::transaction_status,
                NULL, now() - random() * interval '730 days'
         FROM bench_user_ordinals u CROSS JOIN generate_series(1, $1::int) s`,
        [size.transactionsPerUser],
      ),
    ),
  );

  await client.query(`SET session_replication_role = origin`);
  // VACUUM too: sets the visibility map, so index-only scans work on the freshly loaded tables.
  await timed('VACUUM ANALYZE', () => client.query('VACUUM ANALYZE'));
}

/** Drops the table's secondary (non-constraint) indexes, runs `load`, then recreates them as they were. */
async function withIndexesRebuilt(client: Client, table: string, load: () => Promise<unknown>): Promise<void> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [table],
  );
  for (const index of rows) await client.query(`DROP INDEX ${client.escapeIdentifier(index.indexname)}`);
  await load();
  for (const index of rows) await client.query(index.indexdef);
}
