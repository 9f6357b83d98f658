import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminRole } from '../admin/entities/admin-user.entity';

export interface AdminCredentials {
  id: string;
  role: AdminRole;
  active: boolean;
  passwordHash: string | null;
}

/** admin_users queries for password sign-in and its failure count. */
@Injectable()
export class AdminCredentialsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findCredentialsByEmail(email: string): Promise<AdminCredentials | null> {
    const rows: AdminCredentials[] = await this.dataSource.query(
      `SELECT id, role, active, password_hash AS "passwordHash" FROM admin_users WHERE email = $1`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** Counts a failure since the last successful sign-in (shown to superadmins); it never locks the account. */
  async recordFailedLogin(adminId: string): Promise<void> {
    await this.dataSource.query(`UPDATE admin_users SET failed_login_count = failed_login_count + 1 WHERE id = $1`, [adminId]);
  }

  async recordSuccessfulLogin(adminId: string): Promise<void> {
    await this.dataSource.query(`UPDATE admin_users SET failed_login_count = 0, last_login_at = now() WHERE id = $1`, [adminId]);
  }
}
