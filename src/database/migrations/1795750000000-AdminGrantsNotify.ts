import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Any change to an admin account (payload: its id) or to admin_permissions (payload: `*`) is announced
 * on channel pend_admin_grants at commit: every instance drops the grants it kept (AccountStatusWatcher).
 */
export class AdminGrantsNotify1795750000000 implements MigrationInterface {
  name = 'AdminGrantsNotify1795750000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE FUNCTION notify_admin_account() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('pend_admin_grants', COALESCE(NEW.id, OLD.id)::text);
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE FUNCTION notify_admin_grants() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('pend_admin_grants', '*');
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_admin_users_notify AFTER INSERT OR UPDATE OR DELETE ON admin_users
            FOR EACH ROW EXECUTE FUNCTION notify_admin_account()
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_admin_permissions_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admin_permissions
            FOR EACH STATEMENT EXECUTE FUNCTION notify_admin_grants()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_admin_permissions_notify ON admin_permissions`);
    await queryRunner.query(`DROP TRIGGER trg_admin_users_notify ON admin_users`);
    await queryRunner.query(`DROP FUNCTION notify_admin_grants()`);
    await queryRunner.query(`DROP FUNCTION notify_admin_account()`);
  }
}
