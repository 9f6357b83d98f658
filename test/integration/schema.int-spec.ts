import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/config/app.config';
import { createDataSource } from '../../src/database/data-source';
import { DOMAIN_TABLES } from '../../src/database/entities';
import { runMigrationsWithLock } from '../../src/database/migration-runner';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';

const NAMED_INDEXES: Record<string, RegExp> = {
  idx_users_phone_hash: /ON public\.users USING btree \(phone_hash\)/,
  idx_users_blockchain_address: /ON public\.users USING btree \(blockchain_address\)/,
  idx_investments_user_asset: /ON public\.investments USING btree \(user_id, asset_id\)/,
  idx_transactions_timestamp: /ON public\.transactions USING btree \(created_at DESC\)/,
  idx_admin_logs_timestamp: /ON public\.admin_logs USING btree \("timestamp" DESC\)/,
  idx_blockchain_events_contract: /ON public\.blockchain_events USING btree \(contract_address, event_type\)/,
};

describe('schema from migrations (real PostgreSQL)', () => {
  let url: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase({ empty: true });
    dataSource = createDataSource(loadAppConfig({ NODE_ENV: 'test' }), url, { logging: false });
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropTestDatabase(url);
  });

  async function tables(): Promise<string[]> {
    const rows: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    return rows.map((r) => r.table_name);
  }

  it('creates the 17 domain tables', async () => {
    expect(await tables()).toEqual(expect.arrayContaining([...DOMAIN_TABLES]));
    expect(DOMAIN_TABLES).toHaveLength(17);
  });

  it('creates the six named indexes, DESC where asked', async () => {
    const rows: { indexname: string; indexdef: string }[] = await dataSource.query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY($1)`,
      [Object.keys(NAMED_INDEXES)],
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    for (const [name, pattern] of Object.entries(NAMED_INDEXES)) {
      expect(defs[name]).toMatch(pattern);
    }
  });

  it('has no drift between entities and migrations', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('reverts every migration to an empty schema and applies them again', async () => {
    const applied = dataSource.migrations.length;
    expect(applied).toBeGreaterThan(0);
    for (let i = 0; i < applied; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect((await tables()).filter((t) => t !== 'migrations' && t !== 'typeorm_metadata')).toEqual([]); // TypeORM's own bookkeeping (migrations run, views)
    const types: unknown[] = await dataSource.query(
      `SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`,
    );
    expect(types).toEqual([]);
    await runMigrationsWithLock(dataSource);
    expect(await tables()).toEqual(expect.arrayContaining([...DOMAIN_TABLES]));
  });

  it('lets two processes migrate at once: one applies, the other waits and finds nothing pending', async () => {
    const fresh = await createTestDatabase({ empty: true });
    const config = loadAppConfig({ NODE_ENV: 'test' });
    const a = createDataSource(config, fresh, { logging: false });
    const b = createDataSource(config, fresh, { logging: false });
    await Promise.all([a.initialize(), b.initialize()]);
    try {
      const [appliedA, appliedB] = await Promise.all([runMigrationsWithLock(a), runMigrationsWithLock(b)]);
      expect([appliedA.length, appliedB.length].sort()).toEqual([0, dataSource.migrations.length]);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
      await dropTestDatabase(fresh);
    }
  });

  describe('constraints enforced by the database itself', () => {
    const hash = 'a'.repeat(64);
    const insertUser = (phone: string, phoneHash: string, address: string | null) =>
      dataSource.query(`INSERT INTO users (phone_e164, phone_hash, blockchain_address) VALUES ($1, $2, $3) RETURNING id`, [
        phone,
        phoneHash,
        address,
      ]);

    it('rejects a second user with the same phone hash', async () => {
      await insertUser('+14155550100', hash, null);
      await expect(insertUser('+14155550101', hash, null)).rejects.toThrow(/idx_users_phone_hash/);
    });

    it('rejects a malformed wallet address', async () => {
      await expect(insertUser('+14155550102', 'b'.repeat(64), '0x1234')).rejects.toThrow(/chk_users_blockchain_address/);
    });

    it('rejects a phone hash that is not 64 lowercase hex', async () => {
      await expect(insertUser('+14155550103', 'XYZ', null)).rejects.toThrow(/chk_users_phone_hash/);
    });

    it('rejects a negative investment amount', async () => {
      const [user] = await insertUser('+14155550104', 'c'.repeat(64), null);
      const [asset] = await dataSource.query(
        `INSERT INTO assets (name, category, target_amount) VALUES ('A', 'real_estate', '1000') RETURNING id`,
      );
      const invest = (amount: string) =>
        dataSource.query(`INSERT INTO investments (user_id, asset_id, amount) VALUES ($1, $2, $3)`, [user.id, asset.id, amount]);
      await expect(invest('-0.01')).rejects.toThrow(/chk_investments_amount/);
      await expect(invest('12345678901234567.89')).resolves.toBeDefined();
      const [{ amount }] = await dataSource.query(`SELECT amount::text FROM investments WHERE user_id = $1`, [user.id]);
      expect(amount).toBe('12345678901234567.890000');
    });

    it('rejects a KYC level outside 1-3', async () => {
      const [user] = await insertUser('+14155550105', 'd'.repeat(64), null);
      await expect(dataSource.query(`INSERT INTO kyc_applications (user_id, level) VALUES ($1, 4)`, [user.id])).rejects.toThrow(
        /chk_kyc_applications_level/,
      );
    });

    it('keeps one blockchain event per (chain, transaction, log index)', async () => {
      const insert = () =>
        dataSource.query(
          `INSERT INTO blockchain_events (chain_id, contract_address, block_number, transaction_hash, log_index, event_type)
           VALUES (137, $1, 1, $2, 0, 'Transfer')`,
          ['0x' + '1'.repeat(40), '0x' + 'e'.repeat(64)],
        );
      await insert();
      await expect(insert()).rejects.toThrow(/uq_blockchain_events_chain_tx_log/);
    });
  });
});
