import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Confirmed investments by (asset, investor) with the amount: the analytics aggregate reads it with an
 * index-only scan in (asset, user) order instead of hashing every investment row.
 */
export class ConfirmedInvestmentsIndex1795700000000 implements MigrationInterface {
  name = 'ConfirmedInvestmentsIndex1795700000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE INDEX "idx_investments_confirmed_asset_user" ON "investments" ("asset_id", "user_id", "amount")
            WHERE "status" = 'confirmed'
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP INDEX "public"."idx_investments_confirmed_asset_user"
        `);
  }
}
