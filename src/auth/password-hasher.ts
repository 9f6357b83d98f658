import { Injectable } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';

/** New hashes use bcrypt at this cost (about 250 ms on a laptop core). */
export const BCRYPT_COST = 12;

/** bcrypt hashing. Verifies `$2a$`/`$2b$` (the legacy store's) and `$2y$` (same algorithm, PHP's prefix). */
@Injectable()
export class PasswordHasher {
  // A real hash of an unguessable value: comparing against it when the email is unknown keeps
  // both answers equally slow, so response times do not reveal which emails exist.
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }

  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    if (!hash || !/^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/.test(hash)) {
      this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), BCRYPT_COST);
      await bcrypt.compare(password, await this.dummyHash);
      return false;
    }
    return bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
  }
}
