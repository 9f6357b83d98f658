import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * api_usage_logs takes a row per API request, appended in time order, and is read only by time
 * (the last hour's per-route figures, the retention delete). A BRIN index on created_at serves
 * both for almost nothing per insert; the two B-trees it replaces cost a page write each per row,
 * and no query filtered by route.
 */
export class ApiUsageLogBrinIndex1795760000000 implements MigrationInterface {
  name = 'ApiUsageLogBrinIndex1795760000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_api_usage_logs_route"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."idx_api_usage_logs_created"
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_api_usage_logs_created" ON "api_usage_logs" USING brin ("created_at")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_api_usage_logs_created"
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_api_usage_logs_created" ON "api_usage_logs" ("created_at")
        `);
    await queryRunner.query(`
            CREATE INDEX "idx_api_usage_logs_route" ON "api_usage_logs" ("route", "created_at")
        `);
  }
}
