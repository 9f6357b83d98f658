import { DomainError } from '../../common/errors/domain.error';
import type { ErrorCode } from '../../common/errors/error-codes';

/** Backups and restores: missing or mismatched PostgreSQL tools, failed dumps, bad archives. */
export class BackupError extends DomainError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 500, details);
  }
}
