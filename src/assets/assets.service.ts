import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { permits } from '../auth/guards/permissions';
import { AuthPrincipal } from '../auth/principal';
import { decodeSortedKeysetCursor, encodeSortedKeysetCursor, isCursorTimestamp } from '../common/pagination/keyset-cursor';
import { canMoveAsset } from './asset-status';
import { AssetNotFoundError, IllegalAssetTransitionError, InvalidAssetFieldError, TargetBelowCommittedError } from './assets.errors';
import { AssetFields, AssetsRepository } from './assets.repository';
import { RecordRef } from '../common/validation/parse-record-ref.pipe';
import { AnalyticsFiguresDto, AssetAnalyticsDto, AssetAnalyticsRow, AssetDetailDto, AssetPageDto, AssetDto } from './assets.types';
import { AssetSortKey, ListAssetsQueryDto } from './dto/asset-query.dto';
import { CreateAssetDto, UpdateAssetDto } from './dto/asset-write.dto';
import { AssetStatus } from './entities/asset.entity';

type AdminPrincipal = Extract<AuthPrincipal, { kind: 'admin' }>;

/** Fields an edit may not clear. */
const REQUIRED_FIELDS = ['name', 'category', 'status', 'currency', 'targetAmount', 'minInvestment'] as const;

const DECIMAL = /^-?\d{1,20}(\.\d{1,10})?$/;

/** What a cursor's sort value must look like per sort key (as the search renders it); only expectedApy may be null. */
const SORT_VALUE_SHAPE: Record<AssetSortKey, (value: string | null) => boolean> = {
  createdAt: isCursorTimestamp,
  expectedApy: (value) => value === null || DECIMAL.test(value),
  targetAmount: (value) => value !== null && DECIMAL.test(value),
  name: (value) => value !== null && value.length <= 200 && !value.includes('\0'),
};

/** Admins with assets:read see drafts; investors and other admins see the published catalogue. */
function seesDrafts(principal: AuthPrincipal): boolean {
  return principal.kind === 'admin' && permits(principal.permissions, 'assets:read');
}

/** Rules that span fields, checked on the asset as it would be after the write (400 naming the field). */
function checkCrossFieldRules(asset: Pick<AssetDto, 'targetAmount' | 'minInvestment' | 'maxInvestment' | 'opensAt' | 'closesAt'>) {
  // Nobody could ever invest in an asset whose minimum is above its target.
  if (new Decimal(asset.minInvestment).gt(asset.targetAmount)) {
    throw new InvalidAssetFieldError('minInvestment', 'must not exceed targetAmount');
  }
  if (asset.maxInvestment !== null && new Decimal(asset.maxInvestment).lt(asset.minInvestment)) {
    throw new InvalidAssetFieldError('maxInvestment', 'must be at least minInvestment');
  }
  if (asset.opensAt && asset.closesAt && new Date(asset.closesAt).getTime() < new Date(asset.opensAt).getTime()) {
    throw new InvalidAssetFieldError('closesAt', 'must not be before opensAt');
  }
}

@Injectable()
export class AssetsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly assets: AssetsRepository,
    private readonly audit: AdminAuditService,
  ) {}

  async list(principal: AuthPrincipal, query: ListAssetsQueryDto): Promise<AssetPageDto> {
    const limit = query.limit ?? 20;
    const sort = query.sort ?? 'createdAt';
    const order = query.order ?? 'desc';
    const sortedBy = `${sort}.${order}`;
    const after = query.cursor ? decodeSortedKeysetCursor(query.cursor, sortedBy, SORT_VALUE_SHAPE[sort]) : undefined;
    const { rows, total } = await this.assets.searchAssets({
      text: query.q?.trim() || undefined,
      category: query.category,
      status: query.status,
      minApy: query.minApy,
      maxApy: query.maxApy,
      sort,
      order,
      limit: limit + 1,
      after,
      includeDrafts: seesDrafts(principal),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => row.asset),
      total,
      limit,
      nextCursor:
        rows.length > limit && last ? encodeSortedKeysetCursor({ sort: sortedBy, value: last.cursorValue, id: last.asset.id }) : null,
    };
  }

  /** By uuid or legacy id: the same answer, drafts hidden from investors either way. */
  async get(principal: AuthPrincipal, ref: RecordRef): Promise<AssetDetailDto> {
    const asset = await this.assets.findAssetWithFunding(ref, seesDrafts(principal));
    if (!asset) throw new AssetNotFoundError();
    return asset;
  }

  async analytics(): Promise<AssetAnalyticsDto> {
    const rows = await this.assets.aggregateAnalytics();
    const figures = (row: AssetAnalyticsRow): AnalyticsFiguresDto => ({
      assets: row.assets,
      targetAmount: row.targetAmount,
      raisedAmount: row.raisedAmount,
      fundedPercent: row.fundedPercent,
      investors: row.investors,
      investments: row.investments,
      averageTicket: row.averageTicket,
    });
    const platform = rows.find((row) => row.kind === 'platform');
    return {
      assets: rows
        .filter((row) => row.kind === 'asset')
        .map((row) => ({
          id: row.id!,
          name: row.name!,
          category: row.category!,
          status: row.status!,
          currency: row.currency!,
          ...figures(row),
        })),
      categories: rows.filter((row) => row.kind === 'category').map((row) => ({ category: row.category!, ...figures(row) })),
      platform: figures(platform!),
    };
  }

  async create(admin: AdminPrincipal, dto: CreateAssetDto, ip: string | null): Promise<AssetDto> {
    const fields: AssetFields = { ...dto, status: dto.status ?? AssetStatus.Draft };
    checkCrossFieldRules({
      targetAmount: dto.targetAmount,
      minInvestment: dto.minInvestment ?? '0',
      maxInvestment: dto.maxInvestment ?? null,
      opensAt: dto.opensAt ? new Date(dto.opensAt) : null,
      closesAt: dto.closesAt ? new Date(dto.closesAt) : null,
    });
    return this.dataSource.transaction(async (manager) => {
      const asset = await this.assets.insertAsset(manager, fields, await this.assets.findAdminEmail(manager, admin.id));
      await this.audit.record(manager, {
        adminId: admin.id,
        action: 'asset.create',
        targetType: 'asset',
        targetId: asset.id,
        details: { name: asset.name, status: asset.status, targetAmount: asset.targetAmount },
        ip,
      });
      return asset;
    });
  }

  async update(admin: AdminPrincipal, id: string, dto: UpdateAssetDto, ip: string | null): Promise<AssetDto> {
    for (const field of REQUIRED_FIELDS) {
      if ((dto as Record<string, unknown>)[field] === null) throw new InvalidAssetFieldError(field, 'must not be null');
    }
    return this.dataSource.transaction(async (manager) => {
      // Locked so a concurrent investment cannot slip past a lowered target or a closing asset.
      const locked = await this.assets.lockAssetWithCommitted(manager, id);
      if (!locked) throw new AssetNotFoundError();
      const current = (await this.assets.findAssetForEdit(manager, id))!;
      if (dto.status && !canMoveAsset(current.status, dto.status)) {
        throw new IllegalAssetTransitionError(current.status, dto.status);
      }
      const merged = {
        targetAmount: dto.targetAmount ?? current.targetAmount,
        minInvestment: dto.minInvestment ?? current.minInvestment,
        maxInvestment: dto.maxInvestment === undefined ? current.maxInvestment : dto.maxInvestment,
        opensAt: dto.opensAt === undefined ? current.opensAt : dto.opensAt ? new Date(dto.opensAt) : null,
        closesAt: dto.closesAt === undefined ? current.closesAt : dto.closesAt ? new Date(dto.closesAt) : null,
      };
      checkCrossFieldRules(merged);
      if (dto.targetAmount !== undefined && new Decimal(dto.targetAmount).lt(locked.committedAmount)) {
        throw new TargetBelowCommittedError(locked.committedAmount);
      }
      const asset = Object.keys(dto).length ? await this.assets.updateAssetFields(manager, id, dto as AssetFields) : current;
      await this.audit.record(manager, {
        adminId: admin.id,
        action: 'asset.update',
        targetType: 'asset',
        targetId: id,
        details: {
          changes: { ...dto },
          ...(dto.status && dto.status !== current.status ? { statusFrom: current.status, statusTo: dto.status } : {}),
        },
        ip,
      });
      return asset;
    });
  }
}
