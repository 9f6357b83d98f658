import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** The auth_nonces queries: a nonce is issued for one address and can be consumed once before it expires. */
@Injectable()
export class AuthNonceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a fresh nonce and, in the same statement, purges nonces that expired over an hour ago (index on expires_at). */
  async insertNonce(nonce: string, address: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `WITH purged AS (DELETE FROM auth_nonces WHERE expires_at < now() - interval '1 hour')
       INSERT INTO auth_nonces (nonce, address, expires_at) VALUES ($1, $2, $3)`,
      [nonce, address, expiresAt],
    );
  }

  /** Marks the nonce used; false when it is unknown, for another address, already used or expired. Atomic under concurrency. */
  async consumeNonce(manager: EntityManager, nonce: string, address: string): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affectedCount].
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE auth_nonces SET used_at = now()
        WHERE nonce = $1 AND address = $2 AND used_at IS NULL AND expires_at > now()`,
      [nonce, address],
    );
    return affected === 1;
  }
}
