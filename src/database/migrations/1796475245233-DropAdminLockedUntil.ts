import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * admin_users.locked_until goes: since issue 11 failed admin sign-ins are throttled per (account, client
 * address) in rate_limit_windows and an account is never locked, so nothing set it any more (it was only
 * ever cleared). Down restores the column empty.
 */
export class DropAdminLockedUntil1796475245233 implements MigrationInterface {
  name = 'DropAdminLockedUntil1796475245233';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "admin_users" DROP COLUMN "locked_until"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "admin_users" ADD "locked_until" TIMESTAMP WITH TIME ZONE
        `);
  }
}
