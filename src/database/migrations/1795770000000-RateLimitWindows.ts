import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * login_failure_windows becomes rate_limit_windows: it now also counts sign-in nonce requests per
 * address (moved out of each instance's memory), so every limit holds across instances.
 */
export class RateLimitWindows1795770000000 implements MigrationInterface {
  name = 'RateLimitWindows1795770000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "login_failure_windows" RENAME TO "rate_limit_windows"
        `);
    await queryRunner.query(`
            ALTER INDEX "public"."idx_login_failure_windows_started" RENAME TO "idx_rate_limit_windows_started"
        `);
    await queryRunner.query(`
            ALTER TABLE "rate_limit_windows" RENAME CONSTRAINT "PK_ec90f5011cea85364c960dba59e" TO "PK_9417b505596cea358b6bb991dd3"
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "rate_limit_windows" RENAME CONSTRAINT "PK_9417b505596cea358b6bb991dd3" TO "PK_ec90f5011cea85364c960dba59e"
        `);
    await queryRunner.query(`
            ALTER INDEX "public"."idx_rate_limit_windows_started" RENAME TO "idx_login_failure_windows_started"
        `);
    await queryRunner.query(`
            ALTER TABLE "rate_limit_windows" RENAME TO "login_failure_windows"
        `);
  }
}
