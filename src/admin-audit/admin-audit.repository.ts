import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface AdminAuditEntry {
  adminId: string;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
}

/** The admin_logs insert (the admin's email is copied in, so the entry outlives the account). */
@Injectable()
export class AdminAuditRepository {
  async insertEntry(manager: EntityManager, entry: AdminAuditEntry): Promise<void> {
    await manager.query(
      `INSERT INTO admin_logs (admin_user_id, admin_email, action, target_type, target_id, details, ip, "timestamp")
       SELECT a.id, a.email, $2, $3, $4, $5, $6, now() FROM admin_users a WHERE a.id = $1`,
      [entry.adminId, entry.action, entry.targetType ?? null, entry.targetId ?? null, entry.details ?? null, entry.ip ?? null],
    );
  }
}
