import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every function our migrations created; each names tables without a schema. */
const FUNCTIONS = [
  'notify_user_status()',
  'investment_rollup_inserted()',
  'investment_rollup_updated()',
  'investment_rollup_deleted()',
  'investment_rollup_rebuild_later()',
  'fold_investment_rollup()',
  'notify_admin_account()',
  'notify_admin_grants()',
];

/**
 * Trigger functions ran with the caller's search_path: a data-only restore (pg_restore sets
 * search_path to '') failed inside them. Each now runs with a fixed one: the built-ins first, then
 * the schema the functions and their tables live in, temporary objects last (never shadowing).
 */
export class TriggerFunctionsSearchPath1796410675130 implements MigrationInterface {
  name = 'TriggerFunctionsSearchPath1796410675130';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const [{ schema }]: { schema: string }[] = await queryRunner.query(
      `SELECT n.nspname AS schema FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = 'fold_investment_rollup()'::regprocedure`,
    );
    const quoted = `"${schema.replace(/"/g, '""')}"`;
    for (const fn of FUNCTIONS) {
      await queryRunner.query(`ALTER FUNCTION ${quoted}.${fn} SET search_path = pg_catalog, ${quoted}, pg_temp`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of FUNCTIONS) await queryRunner.query(`ALTER FUNCTION ${fn} RESET search_path`);
  }
}
