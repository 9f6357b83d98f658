import { MigrationInterface, QueryRunner } from 'typeorm';

/** latest_kyc_applications: the one definition of "a user's latest KYC application" (src/kyc/entities/latest-kyc-application.view.ts). */
export class LatestKycApplicationsView1796453272598 implements MigrationInterface {
  name = 'LatestKycApplicationsView1796453272598';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE VIEW "latest_kyc_applications" AS
            SELECT DISTINCT ON (k.user_id) k.id,
                k.user_id,
                k.status,
                k.level,
                k.submitted_at,
                k.created_at
            FROM kyc_applications k
            ORDER BY k.user_id,
                k.submitted_at DESC,
                k.created_at DESC,
                k.id DESC
        `);
    await queryRunner.query(
      `
            INSERT INTO "typeorm_metadata"(
                    "database",
                    "schema",
                    "table",
                    "type",
                    "name",
                    "value"
                )
            VALUES (DEFAULT, $1, DEFAULT, $2, $3, $4)
        `,
      [
        'public',
        'VIEW',
        'latest_kyc_applications',
        'SELECT DISTINCT ON (k.user_id) k.id, k.user_id, k.status, k.level, k.submitted_at, k.created_at\n    FROM kyc_applications k\n    ORDER BY k.user_id, k.submitted_at DESC, k.created_at DESC, k.id DESC',
      ],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `
            DELETE FROM "typeorm_metadata"
            WHERE "type" = $1
                AND "name" = $2
                AND "schema" = $3
        `,
      ['VIEW', 'latest_kyc_applications', 'public'],
    );
    await queryRunner.query(`
            DROP VIEW "latest_kyc_applications"
        `);
  }
}
