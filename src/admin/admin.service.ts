import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getAddress } from 'viem';
import { AccountStatusWatcher } from '../auth/account-status.watcher';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/pagination/keyset-cursor';
import { exactE164 } from '../common/validation/e164-phone';
import { UserError } from '../users/users.errors';
import { phoneHashOf } from '../users/users.service';
import { UserDetailDto } from '../users/dto/user-detail.dto';
import { UsersService } from '../users/users.service';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { AdminRepository } from './admin.repository';
import {
  AdminLogDto,
  AdminLogPageDto,
  AdminLogQueryDto,
  AdminUserListItemDto,
  AdminUserListQueryDto,
  AdminUserPageDto,
  ChangeUserStatusDto,
} from './dto/admin-users.dto';

/** Keeps `limit` rows and turns the extra one into the next page's cursor. */
function toPage<T extends { id: string; cursorAt: string }>(rows: T[], limit: number) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ cursorAt: _cursorAt, ...item }) => item),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

@Injectable()
export class AdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly admin: AdminRepository,
    private readonly audit: AdminAuditService,
    private readonly users: UsersService,
    private readonly accounts: AccountStatusWatcher,
  ) {}

  async listUsers(query: AdminUserListQueryDto): Promise<AdminUserPageDto> {
    const limit = query.limit ?? 20;
    const rows = await this.admin.findUsersForAdmin({
      status: query.status,
      wallet: query.wallet ? getAddress(query.wallet) : undefined,
      phoneHash: query.phone ? phoneHashOf(exactE164(query.phone, 'phone')) : undefined,
      limit: limit + 1,
      after: query.cursor ? decodeKeysetCursor(query.cursor) : undefined,
    });
    const page = toPage(rows, limit);
    return { items: page.items as unknown as AdminUserListItemDto[], nextCursor: page.nextCursor };
  }

  /** Suspends, reactivates or closes an account; the change and its audit entry commit together. */
  async changeUserStatus(userId: string, dto: ChangeUserStatusDto, actor: { adminId: string; ip: string | null }): Promise<UserDetailDto> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.admin.lockUserStatus(manager, userId);
      if (!current) throw UserError.notFound();
      await this.admin.updateUserStatus(manager, userId, dto.status);
      await this.audit.record(manager, {
        adminId: actor.adminId,
        action: 'user.status_change',
        targetType: 'user',
        targetId: userId,
        details: { from: current, to: dto.status, reason: dto.reason },
        ip: actor.ip,
      });
    });
    // The trigger tells every instance on commit; this one knows before its answer leaves.
    this.accounts.noteStatus(userId, dto.status);
    return this.users.getUserDetail(userId);
  }

  async listAdminLogs(query: AdminLogQueryDto): Promise<AdminLogPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.admin.findAdminLogs({
      adminId: query.adminId,
      action: query.action,
      targetType: query.targetType,
      targetId: query.targetId,
      limit: limit + 1,
      after: query.cursor ? decodeKeysetCursor(query.cursor) : undefined,
    });
    const page = toPage(rows, limit);
    return { items: page.items as unknown as AdminLogDto[], nextCursor: page.nextCursor };
  }
}
