import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readRows } from '../common/database/read-rows';
import { AdminRole } from '../admin/entities/admin-user.entity';
import { AccountStatusWatcher } from './account-status.watcher';
import { AuthPrincipal } from './principal';

/**
 * Loads an admin and the union of their role's and own grants in one query. Kept between requests
 * only until a trigger announces a change to the account or the grants (AccountStatusWatcher), so
 * revocation still takes effect at once, without a query on every admin request.
 */
@Injectable()
export class AdminPrincipalLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly watcher: AccountStatusWatcher,
  ) {}

  load(adminId: string): Promise<Extract<AuthPrincipal, { kind: 'admin' }> | null> {
    return this.watcher.loadAdmin(adminId, () => this.query(adminId));
  }

  private async query(adminId: string): Promise<Extract<AuthPrincipal, { kind: 'admin' }> | null> {
    // The primary (the answer is cached until a change is announced, so it must be current); a replica while the primary is down.
    const rows = await readRows<{ id: string; role: AdminRole; permissions: string[] | null }>(
      this.dataSource,
      `SELECT a.id, a.role,
              array_remove(array_agg(DISTINCT p.permission), NULL) AS permissions
         FROM admin_users a
         LEFT JOIN admin_permissions p ON p.admin_user_id = a.id OR p.role = a.role
        WHERE a.id = $1 AND a.active
        GROUP BY a.id, a.role`,
      [adminId],
      { preferPrimary: true },
    );
    const row = rows[0];
    return row ? { kind: 'admin', id: row.id, role: row.role, permissions: row.permissions ?? [] } : null;
  }
}
