import { Client } from 'pg';
import { countRowsPerTable, schemaSignature, viaClient } from '../../src/system/backup/backup.repository';
import { createTestDatabase, dropTestDatabase } from '../utils/test-database';

/**
 * The drill's mark and every backup count the rows of every table and read the schema. Temporary tables
 * are no data of the database: another session's cannot even be read ("cannot access temporary tables of
 * other sessions"), and a restored copy never holds them, so they must not be counted or compared.
 */
describe('Row counts and schema signature leave temporary tables out', () => {
  let url: string;
  let other: Client;
  let own: Client;

  beforeAll(async () => {
    url = await createTestDatabase({ empty: true });
    other = new Client({ connectionString: url });
    own = new Client({ connectionString: url });
    await Promise.all([other.connect(), own.connect()]);
    await own.query('CREATE TABLE kept (id int PRIMARY KEY)');
    await own.query('INSERT INTO kept SELECT generate_series(1, 3)');
    // Another session's temporary table (a report, a migration tool), and one of the counting session.
    await other.query('CREATE TEMPORARY TABLE scratch_other (id int)');
    await other.query('INSERT INTO scratch_other VALUES (1)');
    await own.query('CREATE TEMPORARY TABLE scratch_own (id int)');
  });

  afterAll(async () => {
    await Promise.all([other?.end(), own?.end()]);
    await dropTestDatabase(url);
  });

  it('counts only the permanent tables while other sessions hold temporary ones', async () => {
    expect(await countRowsPerTable(viaClient(own))).toEqual({ kept: 3 });
  });

  it('describes only the permanent tables', async () => {
    expect(await schemaSignature(viaClient(own))).toEqual(['public.kept.id integer not null']);
  });
});
