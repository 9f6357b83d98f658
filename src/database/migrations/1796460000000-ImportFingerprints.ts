import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The importer keeps a fingerprint of every legacy record it imported (hash of its bytes and the
 * mapping rules' version), so a re-run skips what did not change (delta sync for the cutover).
 */
export class ImportFingerprints1796460000000 implements MigrationInterface {
  name = 'ImportFingerprints1796460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "import_fingerprints" (
                "kind" character varying(32) NOT NULL,
                "legacy_id" text NOT NULL,
                "fingerprint" bigint NOT NULL,
                "rules_version" integer NOT NULL,
                "parents" text array,
                "run_id" uuid NOT NULL,
                "gone_since" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_daba24358eae13c739709cc4059" PRIMARY KEY ("kind", "legacy_id")
            )
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TABLE "import_fingerprints"
        `);
  }
}
