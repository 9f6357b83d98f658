import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed admin logins per email+IP and per IP, counted in PostgreSQL so every instance shares the limit. */
export class LoginFailureWindows1795740000000 implements MigrationInterface {
  name = 'LoginFailureWindows1795740000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "login_failure_windows" (
                "key" character(64) NOT NULL,
                "attempts" integer NOT NULL,
                "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "blocked_until" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_ec90f5011cea85364c960dba59e" PRIMARY KEY ("key")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_login_failure_windows_started" ON "login_failure_windows" ("window_started_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_login_failure_windows_started"
        `);
    await queryRunner.query(`
            DROP TABLE "login_failure_windows"
        `);
  }
}
