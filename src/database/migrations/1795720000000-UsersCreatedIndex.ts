import { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin user list pages newest first on (created_at, id): read backwards, no sort of the users table. */
export class UsersCreatedIndex1795720000000 implements MigrationInterface {
  name = 'UsersCreatedIndex1795720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "idx_users_created" ON "users" ("created_at", "id")
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_users_created"
        `);
  }
}
