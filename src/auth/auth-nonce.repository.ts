import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

/** SHA-256 (hex) of a sign-in message's exact text, as stored with its nonce. */
export function signInMessageHash(message: string): string {
  return createHash('sha256').update(message, 'utf8').digest('hex');
}

/**
 * The auth_nonces queries: a nonce is issued for one address together with the exact message (its
 * hash) it was issued in, and can be consumed once, with that message only, before it expires.
 */
@Injectable()
export class AuthNonceRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a fresh nonce and, in the same statement, purges nonces that expired over an hour ago (index on expires_at). */
  async insertNonce(nonce: string, address: string, messageHash: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      `WITH purged AS (DELETE FROM auth_nonces WHERE expires_at < now() - interval '1 hour')
       INSERT INTO auth_nonces (nonce, address, message_hash, expires_at) VALUES ($1, $2, $3, $4)`,
      [nonce, address, messageHash, expiresAt],
    );
  }

  /**
   * Marks the nonce used; false when it is unknown, for another address, issued with another message,
   * already used or expired. Atomic under concurrency.
   */
  async consumeNonce(manager: EntityManager, signIn: { nonce: string; address: string; messageHash: string }): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, affectedCount].
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE auth_nonces SET used_at = now()
        WHERE nonce = $1 AND address = $2 AND message_hash = $3 AND used_at IS NULL AND expires_at > now()`,
      [signIn.nonce, signIn.address, signIn.messageHash],
    );
    return affected === 1;
  }
}
