import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AdminAuditEntry, AdminAuditRepository } from './admin-audit.repository';

export type { AdminAuditEntry };

/**
 * Records an admin write in admin_logs. Always pass the EntityManager of the transaction
 * that makes the change, so the change and its audit entry commit or fail together.
 */
@Injectable()
export class AdminAuditService {
  constructor(private readonly repository: AdminAuditRepository) {}

  async record(manager: EntityManager, entry: AdminAuditEntry): Promise<void> {
    await this.repository.insertEntry(manager, entry);
  }
}
