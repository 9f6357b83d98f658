import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminRole } from '../admin/entities/admin-user.entity';

export interface AdminCredentials {
  id: string;
  role: AdminRole;
  active: boolean;
  passwordHash: string | null;
  lockedUntil: Date | null;
}

/** admin_users queries for password sign-in and its lockout counters. */
@Injectable()
export class AdminCredentialsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findCredentialsByEmail(email: string): Promise<AdminCredentials | null> {
    const rows: AdminCredentials[] = await this.dataSource.query(
      `SELECT id, role, active, password_hash AS "passwordHash", locked_until AS "lockedUntil"
         FROM admin_users WHERE email = $1`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** Counts a failure; the `threshold`-th one locks the account. A lock that has run out starts the count again. */
  async recordFailedLogin(adminId: string, threshold: number, lockSeconds: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE admin_users a
          SET failed_login_count = n.count,
              locked_until = CASE WHEN n.count >= $2 THEN now() + make_interval(secs => $3) END
         FROM (SELECT id, CASE WHEN locked_until <= now() THEN 1 ELSE failed_login_count + 1 END AS count
                 FROM admin_users WHERE id = $1) n
        WHERE a.id = n.id`,
      [adminId, threshold, lockSeconds],
    );
  }

  async recordSuccessfulLogin(adminId: string): Promise<void> {
    await this.dataSource.query(`UPDATE admin_users SET failed_login_count = 0, locked_until = NULL, last_login_at = now() WHERE id = $1`, [
      adminId,
    ]);
  }
}
