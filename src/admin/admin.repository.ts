import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset-cursor';
import { UserStatus } from '../users/entities/user.entity';

export interface AdminUserListFilter {
  status?: UserStatus;
  wallet?: string;
  phoneHash?: string;
  limit: number;
  after?: KeysetPosition;
}

export interface AdminLogFilter {
  adminId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  limit: number;
  after?: KeysetPosition;
}

/** Queries behind the admin console's user and audit-trail screens. */
@Injectable()
export class AdminRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Newest accounts first, keyset on (created_at, id): idx_users_created (created_at, id), read
   * backwards, serves the order and the keyset without sorting the users table; wallet and phone
   * hash are exact, indexed lookups.
   */
  buildUserListQuery(filter: AdminUserListFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`u.status = $${params.push(filter.status)}`);
    if (filter.wallet) where.push(`u.blockchain_address = $${params.push(filter.wallet)}`);
    if (filter.phoneHash) where.push(`u.phone_hash = $${params.push(filter.phoneHash)}`);
    if (filter.after) {
      const at = params.push(filter.after.at);
      const id = params.push(filter.after.id);
      where.push(`(u.created_at, u.id) < ($${at}::timestamptz, $${id}::uuid)`);
    }
    const limit = params.push(filter.limit);
    const sql = `SELECT u.id, u.blockchain_address AS "walletAddress", u.email, u.display_name AS "displayName", u.status,
              t.name AS tier, u.created_at AS "createdAt", ${cursorTimestampSql('u.created_at')} AS "cursorAt"
         FROM users u LEFT JOIN user_tiers t ON t.id = u.tier_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY u.created_at DESC, u.id DESC
        LIMIT $${limit}`;
    return { sql, params };
  }

  async findUsersForAdmin(filter: AdminUserListFilter): Promise<{ id: string; cursorAt: string; [key: string]: unknown }[]> {
    const { sql, params } = this.buildUserListQuery(filter);
    return this.dataSource.query(sql, params);
  }

  async lockUserStatus(manager: EntityManager, userId: string): Promise<UserStatus | null> {
    const rows: { status: UserStatus }[] = await manager.query(`SELECT status FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    return rows[0]?.status ?? null;
  }

  async updateUserStatus(manager: EntityManager, userId: string, status: UserStatus): Promise<void> {
    await manager.query(`UPDATE users SET status = $2, updated_at = now() WHERE id = $1`, [userId, status]);
  }

  /** The audit trail, newest first; idx_admin_logs_timestamp (timestamp DESC) serves the order and the keyset. */
  buildAdminLogQuery(filter: AdminLogFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.adminId) where.push(`l.admin_user_id = $${params.push(filter.adminId)}`);
    if (filter.action) where.push(`l.action = $${params.push(filter.action)}`);
    if (filter.targetType) where.push(`l.target_type = $${params.push(filter.targetType)}`);
    if (filter.targetId) where.push(`l.target_id = $${params.push(filter.targetId)}`);
    if (filter.after) {
      const at = params.push(filter.after.at);
      const id = params.push(filter.after.id);
      // The first conjunct lets the planner bound the index range; the row comparison breaks ties.
      where.push(`l."timestamp" <= $${at}::timestamptz AND (l."timestamp", l.id) < ($${at}::timestamptz, $${id}::uuid)`);
    }
    const limit = params.push(filter.limit);
    const sql = `SELECT l.id, l.admin_user_id AS "adminId", l.admin_email AS "adminEmail", l.action, l.target_type AS "targetType",
              l.target_id AS "targetId", l.details, l.ip, l."timestamp", ${cursorTimestampSql('l."timestamp"')} AS "cursorAt"
         FROM admin_logs l
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY l."timestamp" DESC, l.id DESC
        LIMIT $${limit}`;
    return { sql, params };
  }

  async findAdminLogs(filter: AdminLogFilter): Promise<{ id: string; cursorAt: string; [key: string]: unknown }[]> {
    const { sql, params } = this.buildAdminLogQuery(filter);
    return this.dataSource.query(sql, params);
  }
}
