import { ForbiddenException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountStatusWatcher } from '../auth/account-status.watcher';
import { PasswordHasher } from '../auth/password-hasher';
import type { AuthPrincipal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { AdminAccountsRepository } from './admin-accounts.repository';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { AdminAccountDto, CreateAdminDto, CurrentAdminDto, UpdateAdminDto } from './dto/admin-accounts.dto';

export class AdminAccountError extends DomainError {
  static notFound(): AdminAccountError {
    return new AdminAccountError('admin_not_found', 'Admin not found', 404);
  }

  static emailTaken(): AdminAccountError {
    return new AdminAccountError('admin_email_taken', 'email is already used by another admin', 409);
  }

  static selfLockout(): AdminAccountError {
    return new AdminAccountError('admin_self_change', 'Admins cannot change their own role or disable themselves', 409);
  }
}

@Injectable()
export class AdminAccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AdminAccountsRepository,
    private readonly audit: AdminAuditService,
    private readonly hasher: PasswordHasher,
    private readonly watcher: AccountStatusWatcher,
  ) {}

  async describeCurrentAdmin(principal: AuthPrincipal): Promise<CurrentAdminDto> {
    if (principal.kind !== 'admin') throw new ForbiddenException('Only admins can do this');
    const account = await this.accounts.findAdminAccount(principal.id);
    if (!account) throw AdminAccountError.notFound();
    return { id: account.id, email: account.email, name: account.name, role: account.role, permissions: principal.permissions };
  }

  listAdmins(): Promise<AdminAccountDto[]> {
    return this.accounts.listAdminAccounts();
  }

  async createAdmin(dto: CreateAdminDto, actor: { adminId: string; ip: string | null }): Promise<AdminAccountDto> {
    const passwordHash = await this.hasher.hash(dto.password);
    const email = dto.email.trim().toLowerCase();
    return this.dataSource.transaction(async (manager) => {
      const id = await this.accounts.insertAdminAccount(manager, { email, role: dto.role, name: dto.name ?? null, passwordHash });
      if (!id) throw AdminAccountError.emailTaken();
      await this.audit.record(manager, {
        adminId: actor.adminId,
        action: 'admin.create',
        targetType: 'admin_user',
        targetId: id,
        details: { email, role: dto.role },
        ip: actor.ip,
      });
      return (await this.accounts.findAdminAccount(id, manager))!;
    });
  }

  /** Role, active flag, name. An admin cannot demote or disable themselves (no accidental lock-out). */
  async updateAdmin(adminId: string, dto: UpdateAdminDto, actor: { adminId: string; ip: string | null }): Promise<AdminAccountDto> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const before = await this.accounts.lockAdminAccount(manager, adminId);
      if (!before) throw AdminAccountError.notFound();
      if (adminId === actor.adminId && ((dto.role !== undefined && dto.role !== before.role) || dto.active === false)) {
        throw AdminAccountError.selfLockout();
      }
      await this.accounts.updateAdminAccount(manager, adminId, dto);
      await this.audit.record(manager, {
        adminId: actor.adminId,
        action: 'admin.update',
        targetType: 'admin_user',
        targetId: adminId,
        details: { before: { role: before.role, active: before.active, name: before.name }, changes: { ...dto } },
        ip: actor.ip,
      });
      return (await this.accounts.findAdminAccount(adminId, manager))!;
    });
    // The trigger tells every instance on commit; this one forgets the old grants before answering.
    this.watcher.forgetAdmin(adminId);
    return updated;
  }
}
