import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { UserStatus } from '../users/entities/user.entity';

/** The users queries wallet sign-in needs. */
@Injectable()
export class InvestorSignInRepository {
  async findInvestorByWallet(manager: EntityManager, address: string): Promise<{ id: string; status: UserStatus } | null> {
    const rows: { id: string; status: UserStatus }[] = await manager.query(`SELECT id, status FROM users WHERE blockchain_address = $1`, [
      address,
    ]);
    return rows[0] ?? null;
  }

  async recordInvestorSignIn(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`UPDATE users SET last_login_at = now() WHERE id = $1`, [userId]);
  }
}
