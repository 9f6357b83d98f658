import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AdminRole } from './entities/admin-user.entity';
import { AdminAccountDto } from './dto/admin-accounts.dto';

const ACCOUNT_COLUMNS = `id, email, name, role, active, last_login_at AS "lastLoginAt", created_at AS "createdAt"`;

/** admin_users queries for managing admin accounts (never returns password hashes). */
@Injectable()
export class AdminAccountsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async listAdminAccounts(): Promise<AdminAccountDto[]> {
    return this.dataSource.query(`SELECT ${ACCOUNT_COLUMNS} FROM admin_users ORDER BY email`);
  }

  async findAdminAccount(adminId: string, manager: EntityManager = this.dataSource.manager): Promise<AdminAccountDto | null> {
    const rows: AdminAccountDto[] = await manager.query(`SELECT ${ACCOUNT_COLUMNS} FROM admin_users WHERE id = $1`, [adminId]);
    return rows[0] ?? null;
  }

  async lockAdminAccount(manager: EntityManager, adminId: string): Promise<AdminAccountDto | null> {
    const rows: AdminAccountDto[] = await manager.query(`SELECT ${ACCOUNT_COLUMNS} FROM admin_users WHERE id = $1 FOR UPDATE`, [adminId]);
    return rows[0] ?? null;
  }

  /** null when the email is taken. */
  async insertAdminAccount(
    manager: EntityManager,
    account: { email: string; role: AdminRole; name: string | null; passwordHash: string },
  ): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO admin_users (email, name, role, password_hash, active) VALUES ($1, $2, $3, $4, true)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [account.email, account.name, account.role, account.passwordHash],
    );
    return rows[0]?.id ?? null;
  }

  async updateAdminAccount(
    manager: EntityManager,
    adminId: string,
    changes: { role?: AdminRole; active?: boolean; name?: string },
  ): Promise<void> {
    const params: unknown[] = [adminId];
    const sets: string[] = [];
    if (changes.role !== undefined) sets.push(`role = $${params.push(changes.role)}`);
    if (changes.active !== undefined) sets.push(`active = $${params.push(changes.active)}`);
    if (changes.name !== undefined) sets.push(`name = $${params.push(changes.name)}`);
    if (sets.length === 0) return;
    await manager.query(`UPDATE admin_users SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  }
}
