import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { AssetsRepository } from '../assets/assets.repository';
import { AssetStatus } from '../assets/entities/asset.entity';
import { domainErrorBody, ErrorBody } from '../common/filters/all-exceptions.filter';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/pagination/keyset-cursor';
import { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { CreateInvestmentDto } from './dto/create-investment.dto';
import { InvestmentStatus } from './entities/investment.entity';
import {
  IdempotencyKeyReusedError,
  IllegalInvestmentTransitionError,
  InvestmentError,
  InvestmentNotFoundError,
} from './investments.errors';
import { InvestmentsRepository, LockedInvestment } from './investments.repository';
import { InvestmentDetailDto, InvestmentDto, MyInvestmentPageDto } from './investments.types';

export interface InvestmentRequest {
  userId: string;
  dto: CreateInvestmentDto;
  ip: string | null;
  idempotencyKey?: string;
}

export interface InvestmentResponse {
  status: number;
  /** The investment (201), or the refusal stored under the request's Idempotency-Key. */
  body: InvestmentDto | ErrorBody;
  /** True when an earlier response to the same Idempotency-Key was returned. */
  replayed: boolean;
}

export type AdminInvestmentAction = 'confirm' | 'cancel' | 'refund';

/** JSON with object keys sorted, so the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function requestHash(dto: CreateInvestmentDto): string {
  return createHash('sha256')
    .update(`POST /api/investments\n${canonicalJson(dto)}`)
    .digest('hex');
}

/** Exact decimal division; ROUND_DOWN so truncating the quotient never lifts it past a whole number. */
const ExactDecimal = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_DOWN });

/** Whole tokens an investment buys: floor(amount / token price); null (keep what is stored) when the asset has no price. */
export function tokensFor(investment: Pick<LockedInvestment, 'amount' | 'tokenPrice'>): string | null {
  if (investment.tokenPrice === null || !new Decimal(investment.tokenPrice).gt(0)) return null;
  return new ExactDecimal(investment.amount).div(investment.tokenPrice).floor().toFixed(0);
}

@Injectable()
export class InvestmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly investments: InvestmentsRepository,
    private readonly assets: AssetsRepository,
    private readonly audit: AdminAuditService,
  ) {}

  /**
   * Places a pending investment. One transaction: the asset row is locked (FOR UPDATE) so the
   * target check and the insert cannot interleave with another investor's; with an Idempotency-Key
   * an advisory lock on the key makes a concurrent retry wait and then replay the stored answer.
   * As Stripe does, a refusal the rules give (403 KYC, 404 asset, 409 closed or oversubscribed, 422
   * limits) is that key's answer too: a retry of the same request gets the same refusal, even if room
   * opened since; a new attempt takes a new key. Malformed requests (400) never reach this, and
   * database failures roll back without storing anything, so those keys stay unused.
   */
  async invest(request: InvestmentRequest): Promise<InvestmentResponse> {
    const hash = requestHash(request.dto);
    return this.dataSource.transaction(async (manager) => {
      const { idempotencyKey: key, userId } = request;
      if (key) {
        await this.investments.lockIdempotencyKey(manager, userId, key);
        const stored = await this.investments.findIdempotentResponse(manager, userId, key);
        if (stored) {
          if (stored.requestHash !== hash) throw new IdempotencyKeyReusedError();
          return { status: stored.responseStatus ?? 201, body: stored.responseBody as InvestmentDto | ErrorBody, replayed: true };
        }
      }
      let status = 201;
      let body: InvestmentDto | ErrorBody;
      try {
        // The stored and the first answer are byte-for-byte the same JSON.
        body = JSON.parse(JSON.stringify(await this.placeInvestment(manager, request))) as InvestmentDto;
      } catch (error) {
        // Every refusal is raised before the first write, so storing it commits nothing else.
        if (!key || !(error instanceof InvestmentError) || error.httpStatus >= 500) throw error;
        status = error.httpStatus;
        body = domainErrorBody(error);
      }
      if (key) await this.investments.saveIdempotentResponse(manager, { ownerId: userId, key, requestHash: hash, status, body });
      return { status, body, replayed: false };
    });
  }

  private async placeInvestment(manager: EntityManager, { userId, dto, ip }: InvestmentRequest): Promise<InvestmentDto> {
    const investor = await this.investments.findInvestorEligibility(manager, userId);
    if (!investor) throw new InvestmentError('investor_not_found', 'Investor account not found', 404);
    if (investor.status !== 'active') throw new InvestmentError('investor_not_active', `The account is ${investor.status}`, 403);
    if (investor.kycStatus !== 'approved') {
      throw new InvestmentError('kyc_not_approved', 'Investing needs an approved KYC application', 403, { kycStatus: investor.kycStatus });
    }

    const asset = await this.assets.lockAssetWithCommitted(manager, dto.assetId);
    if (!asset || asset.status === AssetStatus.Draft) throw new InvestmentError('asset_not_found', 'Asset not found', 404);
    if (asset.status !== AssetStatus.Open) {
      throw new InvestmentError('asset_not_open', `The asset is ${asset.status}, not open for investment`, 409, { status: asset.status });
    }
    const now = Date.now();
    if (asset.opensAt && asset.opensAt.getTime() > now) {
      throw new InvestmentError('asset_not_open_yet', `The asset opens at ${asset.opensAt.toISOString()}`, 409);
    }
    if (asset.closesAt && asset.closesAt.getTime() < now) {
      throw new InvestmentError('asset_closed', `The asset closed at ${asset.closesAt.toISOString()}`, 409);
    }

    const amount = new Decimal(dto.amount);
    if (amount.lt(asset.minInvestment)) {
      throw new InvestmentError('amount_below_minimum', `amount must be at least ${asset.minInvestment}`, 422, {
        minInvestment: asset.minInvestment,
      });
    }
    if (asset.maxInvestment !== null && amount.gt(asset.maxInvestment)) {
      throw new InvestmentError('amount_above_maximum', `amount must be at most ${asset.maxInvestment}`, 422, {
        maxInvestment: asset.maxInvestment,
      });
    }
    // A user without a tier invests under the lowest tier's limit.
    const tier = investor.hasTier
      ? { name: investor.tierName, maxSingleInvestment: investor.tierMaxSingleInvestment }
      : await this.investments.findLowestTier(manager);
    if (tier && tier.maxSingleInvestment !== null && amount.gt(tier.maxSingleInvestment)) {
      throw new InvestmentError(
        'tier_limit_exceeded',
        `amount exceeds the ${tier.name ?? 'tier'} tier's single-investment limit of ${tier.maxSingleInvestment}`,
        422,
        { maxSingleInvestment: tier.maxSingleInvestment },
      );
    }
    const remaining = new Decimal(asset.targetAmount).minus(asset.committedAmount);
    if (amount.gt(remaining)) {
      throw new InvestmentError(
        'asset_oversubscribed',
        `Only ${Decimal.max(remaining, 0).toFixed(6)} ${asset.currency} of the target remains`,
        409,
        { remaining: Decimal.max(remaining, 0).toFixed(6) },
      );
    }

    return this.investments.insertPendingInvestment(manager, {
      userId,
      assetId: asset.id,
      amount: dto.amount,
      currency: asset.currency,
      agreementVersion: dto.agreement.version,
      agreementSignature: dto.agreement.signature,
      ip,
    });
  }

  async listMine(userId: string, limit = 50, cursor?: string): Promise<MyInvestmentPageDto> {
    const after = cursor ? decodeKeysetCursor(cursor) : null;
    const { rows, total } = await this.investments.findInvestmentsOfUser(userId, limit + 1, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ cursorAt: _cursorAt, ...item }) => item),
      total,
      limit,
      nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
    };
  }

  /** The caller's own investment, by uuid or legacy id; someone else's is 404, like one that does not exist. */
  async getMine(userId: string, ref: RecordRef): Promise<InvestmentDetailDto> {
    const investment = await this.investments.findOwnInvestmentDetail(this.dataSource.manager, ref, userId);
    if (!investment) throw new InvestmentNotFoundError();
    return investment;
  }

  /** confirm: pending→confirmed (transaction completed); cancel: pending→cancelled (failed); refund: confirmed→refunded (+ refund row). */
  async act(
    admin: { id: string },
    id: string,
    action: AdminInvestmentAction,
    input: { txHash?: string; reason?: string },
    ip: string | null,
  ): Promise<InvestmentDto> {
    return this.dataSource.transaction(async (manager) => {
      const investment = await this.investments.lockInvestment(manager, id);
      if (!investment) throw new InvestmentNotFoundError();
      await this.apply(manager, investment, action, input.txHash ?? null);
      await this.audit.record(manager, {
        adminId: admin.id,
        action: `investment.${action}`,
        targetType: 'investment',
        targetId: id,
        details: { from: investment.status, amount: investment.amount, ...input },
        ip,
      });
      return (await this.investments.findInvestmentView(manager, id))!;
    });
  }

  private async apply(manager: EntityManager, investment: LockedInvestment, action: AdminInvestmentAction, txHash: string | null) {
    const required = action === 'refund' ? InvestmentStatus.Confirmed : InvestmentStatus.Pending;
    const past = { confirm: 'confirmed', cancel: 'cancelled', refund: 'refunded' }[action];
    if (investment.status !== required) throw new IllegalInvestmentTransitionError(investment.status, past);
    if (action === 'confirm') await this.investments.confirmInvestment(manager, investment.id, txHash, tokensFor(investment));
    else if (action === 'cancel') await this.investments.cancelInvestment(manager, investment.id);
    else await this.investments.refundInvestment(manager, investment);
  }
}
