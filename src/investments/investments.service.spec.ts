import type { DataSource, EntityManager } from 'typeorm';
import { AdminAuditEntry, AdminAuditService } from '../admin-audit/admin-audit.service';
import { AssetsRepository, LockedAsset } from '../assets/assets.repository';
import { AssetStatus } from '../assets/entities/asset.entity';
import { CreateInvestmentDto } from './dto/create-investment.dto';
import { InvestmentStatus } from './entities/investment.entity';
import { InvestmentsRepository, LockedInvestment, NewInvestment } from './investments.repository';
import { InvestmentRequest, InvestmentsService } from './investments.service';
import { InvestmentDto, InvestorEligibility, StoredIdempotentResponse } from './investments.types';

/**
 * InvestmentsService with its repositories faked in memory: who may invest in what and how much, the
 * codes of each refusal, what an accepted investment writes, Idempotency-Key replays, and the admin
 * actions' transitions (no PostgreSQL; the SQL and the locking are covered by test/e2e/investments*).
 */

type UsedInvestmentMethods =
  | 'lockIdempotencyKey'
  | 'findIdempotentResponse'
  | 'saveIdempotentResponse'
  | 'findInvestorEligibility'
  | 'findLowestTier'
  | 'insertPendingInvestment'
  | 'lockInvestment'
  | 'confirmInvestment'
  | 'cancelInvestment'
  | 'refundInvestment'
  | 'findInvestmentView';

class FakeInvestmentsRepository implements Pick<InvestmentsRepository, UsedInvestmentMethods> {
  investor: InvestorEligibility | null = {
    status: 'active',
    kycStatus: 'approved',
    hasTier: false,
    tierName: null,
    tierMaxSingleInvestment: null,
  };
  lowestTier: { name: string; maxSingleInvestment: string | null } | null = null;
  idempotency = new Map<string, StoredIdempotentResponse>();
  inserted: NewInvestment[] = [];
  locked = new Map<string, LockedInvestment>();
  writes: string[] = [];

  async lockIdempotencyKey() {}
  async findIdempotentResponse(_m: EntityManager, ownerId: string, key: string) {
    return this.idempotency.get(`${ownerId}:${key}`) ?? null;
  }
  async saveIdempotentResponse(_m: EntityManager, e: { ownerId: string; key: string; requestHash: string; status: number; body: unknown }) {
    this.idempotency.set(`${e.ownerId}:${e.key}`, { requestHash: e.requestHash, responseStatus: e.status, responseBody: e.body });
  }
  async findInvestorEligibility() {
    return this.investor;
  }
  async findLowestTier() {
    return this.lowestTier;
  }
  async insertPendingInvestment(_m: EntityManager, input: NewInvestment): Promise<InvestmentDto> {
    this.inserted.push(input);
    return {
      id: `inv-${this.inserted.length}`,
      userId: input.userId,
      assetId: input.assetId,
      amount: input.amount,
      status: 'pending',
    } as InvestmentDto;
  }
  async lockInvestment(_m: EntityManager, id: string) {
    return this.locked.get(id) ?? null;
  }
  async confirmInvestment(_m: EntityManager, id: string, txHash: string | null, tokens: string | null) {
    this.writes.push(`confirm ${id} tx=${txHash} tokens=${tokens}`);
  }
  async cancelInvestment(_m: EntityManager, id: string) {
    this.writes.push(`cancel ${id}`);
  }
  async refundInvestment(_m: EntityManager, investment: LockedInvestment) {
    this.writes.push(`refund ${investment.id} ${investment.amount}`);
  }
  async findInvestmentView(_m: EntityManager, id: string) {
    return { id } as InvestmentDto;
  }
}

class FakeAssetsRepository implements Pick<AssetsRepository, 'lockAssetWithCommitted'> {
  asset: LockedAsset | null = openAsset();
  async lockAssetWithCommitted() {
    return this.asset;
  }
}

/** The audit writer (its own module's public surface), recording entries instead of inserting them. */
class FakeAudit implements Pick<AdminAuditService, 'record'> {
  entries: AdminAuditEntry[] = [];
  async record(_manager: EntityManager, entry: AdminAuditEntry) {
    this.entries.push(entry);
  }
}

function openAsset(changes: Partial<LockedAsset> = {}): LockedAsset {
  return {
    id: 'asset-1',
    status: AssetStatus.Open,
    currency: 'USDC',
    targetAmount: '1000.000000',
    minInvestment: '100.000000',
    maxInvestment: '500.000000',
    tokenPrice: '3.000000',
    opensAt: null,
    closesAt: null,
    committedAmount: '0.000000',
    ...changes,
  };
}

function setup() {
  const investments = new FakeInvestmentsRepository();
  const assets = new FakeAssetsRepository();
  const audit = new FakeAudit();
  const manager = {} as EntityManager;
  const dataSource = { manager, transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager) } as unknown as DataSource;
  const service = new InvestmentsService(
    dataSource,
    investments as unknown as InvestmentsRepository,
    assets as unknown as AssetsRepository,
    audit as unknown as AdminAuditService,
  );
  return { investments, assets, audit, service };
}

const dto = (amount: string): CreateInvestmentDto => ({ assetId: 'asset-1', amount, agreement: { version: 'v3', signature: '0xsig' } });
const request = (amount: string, idempotencyKey?: string): InvestmentRequest => ({
  userId: 'user-1',
  dto: dto(amount),
  ip: '198.51.100.4',
  idempotencyKey,
});
const HOUR = 3_600_000;

describe('InvestmentsService.invest: eligibility', () => {
  it('places a pending investment with the exact amount, the asset currency, the agreement and the client address', async () => {
    const { investments, service } = setup();
    const result = await service.invest(request('250.000001'));
    expect(result).toMatchObject({ status: 201, replayed: false, body: { id: 'inv-1', amount: '250.000001' } });
    expect(investments.inserted).toEqual([
      {
        userId: 'user-1',
        assetId: 'asset-1',
        amount: '250.000001',
        currency: 'USDC',
        agreementVersion: 'v3',
        agreementSignature: '0xsig',
        ip: '198.51.100.4',
      },
    ]);
  });

  type Case = [string, (f: ReturnType<typeof setup>) => void, string, Record<string, unknown>];
  const refusals: Case[] = [
    ['no investor row', (f) => (f.investments.investor = null), '100', { code: 'investor_not_found', httpStatus: 404 }],
    [
      'a suspended investor',
      (f) => (f.investments.investor!.status = 'suspended'),
      '100',
      { code: 'investor_not_active', httpStatus: 403 },
    ],
    [
      'KYC still pending',
      (f) => (f.investments.investor!.kycStatus = 'pending'),
      '100',
      { code: 'kyc_not_approved', httpStatus: 403, details: { kycStatus: 'pending' } },
    ],
    [
      'no KYC application',
      (f) => (f.investments.investor!.kycStatus = null),
      '100',
      { code: 'kyc_not_approved', httpStatus: 403, details: { kycStatus: null } },
    ],
    ['an unknown asset', (f) => (f.assets.asset = null), '100', { code: 'asset_not_found', httpStatus: 404 }],
    [
      'a draft (invisible to investors)',
      (f) => (f.assets.asset = openAsset({ status: AssetStatus.Draft })),
      '100',
      { code: 'asset_not_found', httpStatus: 404 },
    ],
    [
      'a funded asset',
      (f) => (f.assets.asset = openAsset({ status: AssetStatus.Funded })),
      '100',
      { code: 'asset_not_open', httpStatus: 409, details: { status: 'funded' } },
    ],
    [
      'an asset opening in an hour',
      (f) => (f.assets.asset = openAsset({ opensAt: new Date(Date.now() + HOUR) })),
      '100',
      { code: 'asset_not_open_yet', httpStatus: 409 },
    ],
    [
      'an asset that closed an hour ago',
      (f) => (f.assets.asset = openAsset({ closesAt: new Date(Date.now() - HOUR) })),
      '100',
      { code: 'asset_closed', httpStatus: 409 },
    ],
    [
      'a millionth below the minimum',
      () => undefined,
      '99.999999',
      { code: 'amount_below_minimum', httpStatus: 422, details: { minInvestment: '100.000000' } },
    ],
    [
      'a millionth above the maximum',
      () => undefined,
      '500.000001',
      { code: 'amount_above_maximum', httpStatus: 422, details: { maxInvestment: '500.000000' } },
    ],
    [
      "above the investor's own tier limit",
      (f) => Object.assign(f.investments.investor!, { hasTier: true, tierName: 'Bronze', tierMaxSingleInvestment: '200.000000' }),
      '200.000001',
      { code: 'tier_limit_exceeded', httpStatus: 422, details: { maxSingleInvestment: '200.000000' } },
    ],
    [
      "above the lowest tier's limit for an investor without a tier",
      (f) => (f.investments.lowestTier = { name: 'Starter', maxSingleInvestment: '150.000000' }),
      '150.5',
      { code: 'tier_limit_exceeded', httpStatus: 422, details: { maxSingleInvestment: '150.000000' } },
    ],
    [
      'more than the target has left',
      (f) => (f.assets.asset = openAsset({ committedAmount: '900.000000' })),
      '100.000001',
      { code: 'asset_oversubscribed', httpStatus: 409, details: { remaining: '100.000000' } },
    ],
    [
      'anything on an asset committed past its target',
      (f) => (f.assets.asset = openAsset({ committedAmount: '1000.500000', minInvestment: '0.000001' })),
      '0.000001',
      { code: 'asset_oversubscribed', httpStatus: 409, details: { remaining: '0.000000' } },
    ],
  ];

  it.each(refusals)('refuses %s with its code and writes nothing', async (_what, arrange, amount, error) => {
    const f = setup();
    arrange(f);
    await expect(f.service.invest(request(amount))).rejects.toMatchObject(error);
    expect(f.investments.inserted).toEqual([]);
  });

  it.each([
    ['exactly the minimum', {}, '100'],
    ['exactly the maximum', {}, '500.000000'],
    ['exactly what is left of the target', { committedAmount: '600.000000' }, '400'],
    ['any amount when the asset has no maximum', { maxInvestment: null, targetAmount: '1000000' }, '999999'],
  ])('accepts %s', async (_what, asset, amount) => {
    const f = setup();
    f.assets.asset = openAsset(asset);
    await expect(f.service.invest(request(amount))).resolves.toMatchObject({ status: 201 });
    expect(f.investments.inserted.map((i) => i.amount)).toEqual([amount]);
  });

  it("an investor's own tier wins over the lowest tier, and a tier without a limit limits nothing", async () => {
    const f = setup();
    f.investments.lowestTier = { name: 'Starter', maxSingleInvestment: '150.000000' };
    Object.assign(f.investments.investor!, { hasTier: true, tierName: 'Gold', tierMaxSingleInvestment: null });
    await expect(f.service.invest(request('400'))).resolves.toMatchObject({ status: 201 });
  });
});

describe('InvestmentsService.invest: Idempotency-Key', () => {
  it("stores a refusal as the key's answer and replays it, even after room opened", async () => {
    const f = setup();
    f.assets.asset = openAsset({ committedAmount: '950.000000' });
    const first = await f.service.invest(request('100', 'key-1'));
    expect(first).toMatchObject({ status: 409, replayed: false, body: { code: 'asset_oversubscribed' } });
    f.assets.asset = openAsset();
    const again = await f.service.invest(request('100', 'key-1'));
    expect(again).toEqual({ ...first, replayed: true });
    expect(f.investments.inserted).toEqual([]);
  });

  it('replays an accepted investment without placing a second one', async () => {
    const f = setup();
    const first = await f.service.invest(request('100', 'key-2'));
    const again = await f.service.invest(request('100', 'key-2'));
    expect(again).toEqual({ ...first, replayed: true });
    expect(f.investments.inserted).toHaveLength(1);
  });

  it('refuses the same key with a different body: 422 idempotency_key_reused', async () => {
    const f = setup();
    await f.service.invest(request('100', 'key-3'));
    await expect(f.service.invest(request('101', 'key-3'))).rejects.toMatchObject({ code: 'idempotency_key_reused', httpStatus: 422 });
    expect(f.investments.inserted).toHaveLength(1);
  });
});

describe('InvestmentsService.act: admin transitions', () => {
  const locked = (status: InvestmentStatus): LockedInvestment => ({
    id: 'inv-9',
    userId: 'user-1',
    assetId: 'asset-1',
    amount: '100.000000',
    status,
    currency: 'USDC',
    tokenPrice: '3.000000',
  });

  it('confirm mints floor(amount / token price) tokens and audits investment.confirm', async () => {
    const f = setup();
    f.investments.locked.set('inv-9', locked(InvestmentStatus.Pending));
    await f.service.act({ id: 'admin-1' }, 'inv-9', 'confirm', { txHash: '0xabc' }, '203.0.113.1');
    expect(f.investments.writes).toEqual(['confirm inv-9 tx=0xabc tokens=33']);
    expect(f.audit.entries).toEqual([
      {
        adminId: 'admin-1',
        action: 'investment.confirm',
        targetType: 'investment',
        targetId: 'inv-9',
        details: { from: 'pending', amount: '100.000000', txHash: '0xabc' },
        ip: '203.0.113.1',
      },
    ]);
  });

  it.each([
    ['cancel', InvestmentStatus.Pending, 'cancel inv-9'],
    ['refund', InvestmentStatus.Confirmed, 'refund inv-9 100.000000'],
  ] as const)('%s from %s', async (action, from, write) => {
    const f = setup();
    f.investments.locked.set('inv-9', locked(from));
    await f.service.act({ id: 'admin-1' }, 'inv-9', action, {}, null);
    expect(f.investments.writes).toEqual([write]);
  });

  it.each([
    ['confirm', InvestmentStatus.Confirmed],
    ['cancel', InvestmentStatus.Refunded],
    ['refund', InvestmentStatus.Pending],
    ['refund', InvestmentStatus.Refunded],
  ] as const)('%s of a %s investment is 409 illegal_investment_transition and writes nothing', async (action, from) => {
    const f = setup();
    f.investments.locked.set('inv-9', locked(from));
    await expect(f.service.act({ id: 'admin-1' }, 'inv-9', action, {}, null)).rejects.toMatchObject({
      code: 'illegal_investment_transition',
      httpStatus: 409,
    });
    expect(f.investments.writes).toEqual([]);
    expect(f.audit.entries).toEqual([]);
  });

  it('an unknown investment is 404 investment_not_found', async () => {
    const f = setup();
    await expect(f.service.act({ id: 'admin-1' }, 'nope', 'confirm', {}, null)).rejects.toMatchObject({ code: 'investment_not_found' });
  });
});
