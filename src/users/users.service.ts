import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { getAddress } from 'viem';
import { permits } from '../auth/guards/permissions';
import { AccessTokenService } from '../auth/access-token.service';
import { AuthError } from '../auth/auth.errors';
import { AuthNonceRepository } from '../auth/auth-nonce.repository';
import type { AuthPrincipal } from '../auth/principal';
import { SignInOrigin } from '../auth/request-context';
import { SiweService } from '../auth/siwe.service';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/pagination/keyset-cursor';
import { exactE164 } from '../common/validation/e164-phone';
import { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { RegisterUserDto } from './dto/register-user.dto';
import { TransactionHistoryQueryDto, TransactionPageDto } from './dto/transaction-history.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { RegisteredUserDto, UserDetailDto } from './dto/user-detail.dto';
import { UserError } from './users.errors';
import { toTransactionItem, UsersRepository } from './users.repository';

/** Lowercase hex SHA-256 of the E.164 number's UTF-8 bytes (the legacy store's phone hash). */
export function phoneHashOf(e164: string): string {
  return createHash('sha256').update(e164, 'utf8').digest('hex');
}

@Injectable()
export class UsersService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly siwe: SiweService,
    private readonly nonces: AuthNonceRepository,
    private readonly tokens: AccessTokenService,
  ) {}

  /**
   * Investors see only themselves (another id is 404, so ids cannot be probed); admins need users:read.
   */
  assertMayReadUser(principal: AuthPrincipal, userId: string): void {
    if (principal.kind === 'user') {
      if (principal.id !== userId) throw UserError.notFound();
      return;
    }
    if (!permits(principal.permissions, 'users:read')) throw new ForbiddenException('Requires permission users:read');
  }

  /** Registers a wallet with a phone: the wallet proves itself with a signed SIWE message, whose nonce this consumes. */
  async register(dto: RegisterUserDto, origin: SignInOrigin): Promise<RegisteredUserDto> {
    const verified = await this.siwe.verifySignedMessage(dto.message, dto.signature, origin);
    if (verified.address !== getAddress(dto.address)) throw UserError.addressMismatch();
    const phoneE164 = exactE164(dto.phone, 'phone');
    const phoneHash = phoneHashOf(phoneE164);

    const userId = await this.dataSource.transaction(async (manager) => {
      if (!(await this.nonces.consumeNonce(manager, verified))) throw AuthError.nonceNotUsable();
      const clashes = await this.users.findRegistrationClashes(manager, phoneHash, phoneE164, verified.address);
      if (clashes.wallet) throw UserError.walletTaken();
      if (clashes.phone) throw UserError.phoneTaken();
      // A concurrent registration of the same phone or wallet ends in a unique violation: 409 as well.
      return this.users.insertInvestor(manager, phoneE164, phoneHash, verified.address);
    });
    const token = await this.tokens.issue('user', userId, this.config.auth.jwtTtlSeconds);
    return { userId, ...token };
  }

  /**
   * GET /api/users/:id by uuid or legacy id, with the same authorisation: an admin's permission is
   * checked first; an investor's legacy id is resolved, then must be theirs (anyone else's is 404).
   */
  async getUserDetailFor(principal: AuthPrincipal, ref: RecordRef): Promise<UserDetailDto> {
    if ('uuid' in ref) {
      this.assertMayReadUser(principal, ref.uuid);
      return this.getUserDetail(ref);
    }
    if (principal.kind !== 'user') this.assertMayReadUser(principal, ref.legacyId);
    const detail = await this.getUserDetail(ref);
    this.assertMayReadUser(principal, detail.id);
    return detail;
  }

  async getTransactionHistoryFor(principal: AuthPrincipal, userId: string, query: TransactionHistoryQueryDto): Promise<TransactionPageDto> {
    this.assertMayReadUser(principal, userId);
    return this.getTransactionHistory(userId, query);
  }

  /** The user, profile, tier, KYC state and holdings: one query whatever the number of investments. */
  async getUserDetail(user: string | RecordRef): Promise<UserDetailDto> {
    const summary = await this.users.findUserDetail(typeof user === 'string' ? { uuid: user } : user);
    if (!summary) throw UserError.notFound();
    const { holdings } = summary;
    const totalInvested = holdings.reduce((sum, h) => sum.plus(h.confirmedAmount), new Decimal(0)).toFixed(6);
    return {
      id: summary.id,
      legacyId: summary.legacyId,
      walletAddress: summary.walletAddress,
      phone: summary.phone,
      email: summary.email,
      displayName: summary.displayName,
      status: summary.status,
      createdAt: summary.createdAt,
      lastLoginAt: summary.lastLoginAt,
      profile: summary.profile as UserDetailDto['profile'],
      tier: summary.tier,
      kyc: {
        status: summary.kycStatus ?? 'none',
        approvedLevel: summary.kycApprovedLevel,
        latestApplicationId: summary.kycApplicationId,
      },
      holdings,
      totalInvested,
    };
  }

  async updateProfile(userId: string, dto: UpdateProfileDto): Promise<UserDetailDto> {
    await this.dataSource.transaction(async (manager) => {
      // A token can outlive its account: no such investor is a 404, not the profile row's foreign-key violation (409).
      if (!(await this.users.lockInvestorRow(manager, userId))) throw UserError.notFound();
      await this.users.updateContactDetails(manager, userId, {
        displayName: dto.displayName,
        email: dto.email?.toLowerCase() ?? dto.email,
      });
      await this.users.upsertProfile(manager, userId, dto);
    });
    return this.getUserDetail(userId);
  }

  async getTransactionHistory(userId: string, query: TransactionHistoryQueryDto): Promise<TransactionPageDto> {
    const limit = query.limit ?? 20;
    const { userExists, rows } = await this.users.findTransactionPage({
      userId,
      limit: limit + 1,
      after: query.cursor ? decodeKeysetCursor(query.cursor) : undefined,
      type: query.type,
      status: query.status,
      from: query.from,
      to: query.to,
    });
    if (!userExists) throw UserError.notFound();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTransactionItem),
      nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
    };
  }
}
