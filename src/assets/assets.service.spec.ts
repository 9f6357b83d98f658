import type { DataSource, EntityManager } from 'typeorm';
import { AdminAuditEntry, AdminAuditService } from '../admin-audit/admin-audit.service';
import { AdminRole } from '../admin/entities/admin-user.entity';
import { AssetFields, AssetsRepository, LockedAsset } from './assets.repository';
import { AssetsService } from './assets.service';
import { AssetDto } from './assets.types';
import { UpdateAssetDto } from './dto/asset-write.dto';
import { AssetCategory, AssetStatus } from './entities/asset.entity';

/**
 * AssetsService with its repository faked in memory: the status machine an edit must follow, the field
 * rules checked on the asset as it would be after the edit, the committed-amount floor, and what is
 * written and audited (no PostgreSQL; the SQL is covered by test/e2e/assets*).
 */

class FakeAssetsRepository implements Pick<
  AssetsRepository,
  'findAdminEmail' | 'insertAsset' | 'lockAssetWithCommitted' | 'findAssetForEdit' | 'updateAssetFields'
> {
  assets = new Map<string, AssetDto>();
  committed = new Map<string, string>();
  inserted: { fields: AssetFields; createdBy: string | null }[] = [];
  updates: { id: string; fields: AssetFields }[] = [];

  async findAdminEmail() {
    return 'ops@pend.test';
  }
  async insertAsset(_m: EntityManager, fields: AssetFields, createdBy: string | null) {
    this.inserted.push({ fields, createdBy });
    return { ...asset(), ...(fields as Partial<AssetDto>), id: 'asset-new' };
  }
  async lockAssetWithCommitted(_m: EntityManager, id: string): Promise<LockedAsset | null> {
    const a = this.assets.get(id);
    if (!a) return null;
    const { targetAmount, minInvestment, maxInvestment, tokenPrice, opensAt, closesAt, status, currency } = a;
    return {
      id,
      status,
      currency,
      targetAmount,
      minInvestment,
      maxInvestment,
      tokenPrice,
      opensAt,
      closesAt,
      committedAmount: this.committed.get(id) ?? '0',
    };
  }
  async findAssetForEdit(_m: EntityManager, id: string) {
    return this.assets.get(id) ?? null;
  }
  async updateAssetFields(_m: EntityManager, id: string, fields: AssetFields) {
    this.updates.push({ id, fields });
    const updated = { ...this.assets.get(id)!, ...(fields as Partial<AssetDto>) };
    this.assets.set(id, updated);
    return updated;
  }
}

/** The audit writer (its own module's public surface), recording entries instead of inserting them. */
class FakeAudit implements Pick<AdminAuditService, 'record'> {
  entries: AdminAuditEntry[] = [];
  async record(_manager: EntityManager, entry: AdminAuditEntry) {
    this.entries.push(entry);
  }
}

function asset(changes: Partial<AssetDto> = {}): AssetDto {
  return {
    id: 'asset-1',
    name: 'Harbour Lofts',
    category: AssetCategory.RealEstate,
    status: AssetStatus.Draft,
    currency: 'USDC',
    targetAmount: '1000.000000',
    minInvestment: '100.000000',
    maxInvestment: null,
    tokenSymbol: null,
    tokenPrice: null,
    chainId: null,
    contractAddress: null,
    expectedApy: null,
    opensAt: null,
    closesAt: null,
    description: null,
    documents: null,
    createdBy: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...changes,
  } as AssetDto;
}

const admin = { kind: 'admin' as const, id: 'admin-1', role: AdminRole.Superadmin, permissions: ['*'] };

function setup(existing?: Partial<AssetDto>, committed?: string) {
  const assets = new FakeAssetsRepository();
  const audit = new FakeAudit();
  if (existing) assets.assets.set('asset-1', asset(existing));
  if (committed) assets.committed.set('asset-1', committed);
  const manager = {} as EntityManager;
  const dataSource = { manager, transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager) } as unknown as DataSource;
  const service = new AssetsService(dataSource, assets as unknown as AssetsRepository, audit as unknown as AdminAuditService);
  return { assets, audit, service };
}

const S = AssetStatus;

describe('AssetsService.update: the asset status machine', () => {
  it.each([
    [S.Draft, S.Open],
    [S.Draft, S.Cancelled],
    [S.Open, S.Funded],
    [S.Open, S.Closed],
    [S.Open, S.Cancelled],
    [S.Funded, S.Closed],
  ])('%s → %s: writes the status and audits the move', async (from, to) => {
    const { assets, audit, service } = setup({ status: from });
    const result = await service.update(admin, 'asset-1', { status: to }, '192.0.2.1');
    expect(result.status).toBe(to);
    expect(assets.updates).toEqual([{ id: 'asset-1', fields: { status: to } }]);
    expect(audit.entries).toEqual([
      {
        adminId: 'admin-1',
        action: 'asset.update',
        targetType: 'asset',
        targetId: 'asset-1',
        details: { changes: { status: to }, statusFrom: from, statusTo: to },
        ip: '192.0.2.1',
      },
    ]);
  });

  it.each([
    [S.Draft, S.Funded],
    [S.Draft, S.Closed],
    [S.Open, S.Draft],
    [S.Funded, S.Open],
    [S.Funded, S.Cancelled],
    [S.Closed, S.Open],
    [S.Cancelled, S.Draft],
  ])('%s → %s is 409 illegal_asset_transition and writes nothing', async (from, to) => {
    const { assets, audit, service } = setup({ status: from });
    await expect(service.update(admin, 'asset-1', { status: to }, null)).rejects.toMatchObject({
      code: 'illegal_asset_transition',
      httpStatus: 409,
      details: { from, to },
    });
    expect(assets.updates).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('the same status again is no move: allowed, audited without statusFrom/statusTo', async () => {
    const { audit, service } = setup({ status: S.Closed });
    await service.update(admin, 'asset-1', { status: S.Closed }, null);
    expect(audit.entries[0].details).toEqual({ changes: { status: S.Closed } });
  });
});

describe('AssetsService.update: field rules on the asset as it would be', () => {
  it.each([
    ['a required field set to null', {}, { name: null }, 'name'],
    ['a minimum above the stored target', {}, { minInvestment: '1000.000001' }, 'minInvestment'],
    ['a target lowered below the stored minimum', {}, { targetAmount: '99' }, 'minInvestment'],
    ['a maximum below the stored minimum', {}, { maxInvestment: '99.999999' }, 'maxInvestment'],
    ['a close before the stored opening', { opensAt: new Date('2026-06-01T00:00:00Z') }, { closesAt: '2026-05-31T23:59:59Z' }, 'closesAt'],
  ])('%s is 400 invalid_asset_field naming the field, nothing written', async (_what, stored, dto, field) => {
    const { assets, service } = setup(stored);
    await expect(service.update(admin, 'asset-1', dto as unknown as UpdateAssetDto, null)).rejects.toMatchObject({
      code: 'invalid_asset_field',
      httpStatus: 400,
      details: { field },
    });
    expect(assets.updates).toEqual([]);
  });

  it('a target below what investors already committed is 409 target_below_committed; exactly that amount is fine', async () => {
    const { assets, service } = setup({ status: S.Open }, '600.000000');
    await expect(service.update(admin, 'asset-1', { targetAmount: '599.999999' }, null)).rejects.toMatchObject({
      code: 'target_below_committed',
      httpStatus: 409,
      details: { committed: '600.000000' },
    });
    expect(assets.updates).toEqual([]);
    await service.update(admin, 'asset-1', { targetAmount: '600' }, null);
    expect(assets.updates).toEqual([{ id: 'asset-1', fields: { targetAmount: '600' } }]);
  });

  it('clearing the maximum (null) is allowed, and an unknown asset is 404 asset_not_found', async () => {
    const { assets, service } = setup({ maxInvestment: '500.000000' });
    await service.update(admin, 'asset-1', { maxInvestment: null }, null);
    expect(assets.assets.get('asset-1')!.maxInvestment).toBeNull();
    await expect(service.update(admin, 'nope', { name: 'x' }, null)).rejects.toMatchObject({ code: 'asset_not_found', httpStatus: 404 });
  });
});

describe('AssetsService.create', () => {
  it('starts as a draft unless told otherwise, records who created it, audits asset.create', async () => {
    const { assets, audit, service } = setup();
    await service.create(admin, { name: 'New', category: AssetCategory.Venture, targetAmount: '5000' }, null);
    expect(assets.inserted).toEqual([
      { fields: { name: 'New', category: AssetCategory.Venture, targetAmount: '5000', status: S.Draft }, createdBy: 'ops@pend.test' },
    ]);
    expect(audit.entries.map((e) => [e.action, e.targetId])).toEqual([['asset.create', 'asset-new']]);
  });

  it('refuses a minimum above the target before writing anything', async () => {
    const { assets, audit, service } = setup();
    await expect(
      service.create(admin, { name: 'New', category: AssetCategory.Venture, targetAmount: '50', minInvestment: '51' }, null),
    ).rejects.toMatchObject({ code: 'invalid_asset_field', details: { field: 'minInvestment' } });
    expect(assets.inserted).toEqual([]);
    expect(audit.entries).toEqual([]);
  });
});
