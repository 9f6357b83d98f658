import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of users.status is announced on channel pend_user_status as `<id>:<status>` when its
 * transaction commits, whoever makes it (admin route, importer, SQL console): each app instance keeps
 * the set of suspended/closed investors current and refuses their tokens at once (AccountStatusWatcher).
 */
export class InvestorStatusNotify1795710000000 implements MigrationInterface {
  name = 'InvestorStatusNotify1795710000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE FUNCTION notify_user_status() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              PERFORM pg_notify('pend_user_status', NEW.id::text || ':' || NEW.status::text);
              RETURN NULL;
            END $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER trg_users_status_notify AFTER UPDATE OF status ON users
            FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION notify_user_status()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_users_status_notify ON users`);
    await queryRunner.query(`DROP FUNCTION notify_user_status()`);
  }
}
