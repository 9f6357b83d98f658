import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An asset's minInvestment may not exceed its targetAmount (nobody could ever invest in it). Added
 * NOT VALID (a brief lock, no scan), then validated (scans existing rows under a lock that lets reads
 * and writes go on). Rows that break the rule stop the migration, named, rather than being changed.
 * Outside a transaction: in one, the first step's ACCESS EXCLUSIVE lock would last through the scan.
 * Each step can be repeated, so a run that stopped half-way is run again.
 */
export class AssetMinWithinTarget1796410675120 implements MigrationInterface {
  name = 'AssetMinWithinTarget1796410675120';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    const bad: { id: string }[] = await queryRunner.query(`SELECT id FROM "assets" WHERE "min_investment" > "target_amount" LIMIT 20`);
    if (bad.length > 0) {
      throw new Error(
        `assets with min_investment above target_amount: ${bad.map((r) => r.id).join(', ')}; ` +
          'correct them (lower min_investment or raise target_amount), then run the migrations again',
      );
    }
    await queryRunner.query(`ALTER TABLE "assets" DROP CONSTRAINT IF EXISTS "chk_assets_min_within_target"`);
    await queryRunner.query(`
            ALTER TABLE "assets"
            ADD CONSTRAINT "chk_assets_min_within_target" CHECK ("min_investment" <= "target_amount") NOT VALID
        `);
    await queryRunner.query(`ALTER TABLE "assets" VALIDATE CONSTRAINT "chk_assets_min_within_target"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "assets" DROP CONSTRAINT "chk_assets_min_within_target"
        `);
  }
}
