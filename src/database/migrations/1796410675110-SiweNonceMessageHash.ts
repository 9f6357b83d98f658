import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A sign-in nonce keeps the SHA-256 of the exact EIP-4361 message it was issued in, and only that
 * message is accepted with it. Nonces issued before this have no hash and could never be used: they
 * are dropped (they live 5 minutes; a client asks for a new one).
 */
export class SiweNonceMessageHash1796410675110 implements MigrationInterface {
  name = 'SiweNonceMessageHash1796410675110';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "auth_nonces"`);
    await queryRunner.query(`
            ALTER TABLE "auth_nonces"
            ADD "message_hash" character(64) NOT NULL
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "auth_nonces" DROP COLUMN "message_hash"
        `);
  }
}
