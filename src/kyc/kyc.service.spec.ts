import type { DataSource, EntityManager } from 'typeorm';
import { AdminAuditEntry, AdminAuditService } from '../admin-audit/admin-audit.service';
import { KycDocumentInputDto } from './dto/kyc.dto';
import { KycStatus } from './entities/kyc-application.entity';
import { KycDocumentStatus } from './entities/kyc-document.entity';
import { KycApplicationRow, KycDocumentRow, KycRepository } from './kyc.repository';
import { KycService } from './kyc.service';

/**
 * KycService with its repositories faked in memory: the review state machine, the submission rules, and
 * what the service asks the repository to write (no PostgreSQL; the SQL itself is covered by test/e2e/kyc).
 */

type Decision = Parameters<KycRepository['recordDecision']>[2];

/** The KycRepository methods the service calls, over arrays. */
class FakeKycRepository implements Omit<KycRepository, 'dataSource'> {
  investors = new Map<string, { status: string }>();
  applications: KycApplicationRow[] = [];
  decisions: { applicationId: string; decision: Decision }[] = [];
  inserted: { userId: string; level: number; documents: KycDocumentInputDto[] }[] = [];

  async lockInvestor(_manager: EntityManager, userId: string) {
    return this.investors.get(userId) ?? null;
  }

  async findKycStanding(_manager: EntityManager, userId: string) {
    const own = this.applications.filter((a) => a.userId === userId);
    const open = own.find((a) => a.status === KycStatus.Pending || a.status === KycStatus.InReview);
    const approved = own.filter((a) => a.status === KycStatus.Approved).map((a) => a.level);
    return { openStatus: open?.status ?? null, approvedLevel: approved.length ? Math.max(...approved) : null };
  }

  async insertApplication(_manager: EntityManager, userId: string, level: number, documents: KycDocumentInputDto[]) {
    this.inserted.push({ userId, level, documents });
    const id = `app-${this.applications.length + 1}`;
    this.applications.push(application(id, userId, KycStatus.Pending, level));
    return id;
  }

  async findApplicationsOfUser(userId: string) {
    return this.applications.filter((a) => a.userId === userId);
  }

  async findApplication(applicationId: string) {
    // A copy, like a row read from the database: later writes do not change what was read.
    const row = this.applications.find((a) => a.id === applicationId);
    return row ? { ...row } : null;
  }

  async lockApplicationForReview(_manager: EntityManager, applicationId: string) {
    return this.findApplication(applicationId);
  }

  async findReviewQueue(): Promise<KycApplicationRow[]> {
    return this.applications.filter((a) => a.status === KycStatus.Pending);
  }

  async findDocuments(): Promise<KycDocumentRow[]> {
    return [];
  }

  async recordDecision(_manager: EntityManager, applicationId: string, decision: Decision) {
    this.decisions.push({ applicationId, decision });
    const row = this.applications.find((a) => a.id === applicationId)!;
    row.status = decision.status;
  }
}

/** The audit writer (its own module's public surface), recording entries instead of inserting them. */
class FakeAudit implements Pick<AdminAuditService, 'record'> {
  entries: AdminAuditEntry[] = [];
  async record(_manager: EntityManager, entry: AdminAuditEntry) {
    this.entries.push(entry);
  }
}

function application(id: string, userId: string, status: KycStatus, level = 1): KycApplicationRow {
  return {
    id,
    userId,
    status,
    level,
    submittedAt: new Date('2026-01-01T00:00:00Z'),
    reviewedAt: null,
    reviewedBy: null,
    rejectionReason: null,
  };
}

function setup() {
  const kyc = new FakeKycRepository();
  const audit = new FakeAudit();
  const manager = {} as EntityManager;
  // A transaction is just the work with one manager: rollback is PostgreSQL's job, so refusals are checked to write nothing.
  const dataSource = { manager, transaction: (work: (m: EntityManager) => Promise<unknown>) => work(manager) } as unknown as DataSource;
  const service = new KycService(dataSource, kyc as unknown as KycRepository, audit as unknown as AdminAuditService);
  return { kyc, audit, service };
}

const reviewer = { adminId: 'admin-1', ip: '203.0.113.5' };
const documents: KycDocumentInputDto[] = [{ type: 'passport', sha256: 'a'.repeat(64), storageKey: 'kyc/a.pdf' } as KycDocumentInputDto];

describe('KycService.decide: the review state machine', () => {
  it('pending → in_review: records the status, leaves documents and reason alone, audits kyc.start_review', async () => {
    const { kyc, audit, service } = setup();
    kyc.applications.push(application('app-1', 'user-1', KycStatus.Pending, 2));
    const result = await service.decide('app-1', KycStatus.InReview, reviewer);
    expect(result.status).toBe(KycStatus.InReview);
    expect(kyc.decisions).toEqual([
      { applicationId: 'app-1', decision: { status: KycStatus.InReview, adminId: 'admin-1', rejectionReason: null, documentStatus: null } },
    ]);
    expect(audit.entries).toEqual([
      {
        adminId: 'admin-1',
        action: 'kyc.start_review',
        targetType: 'kyc_application',
        targetId: 'app-1',
        details: { userId: 'user-1', level: 2, from: KycStatus.Pending, to: KycStatus.InReview },
        ip: '203.0.113.5',
      },
    ]);
  });

  it('in_review → approved: accepts the pending documents, audits kyc.approve', async () => {
    const { kyc, audit, service } = setup();
    kyc.applications.push(application('app-1', 'user-1', KycStatus.InReview));
    await service.decide('app-1', KycStatus.Approved, reviewer, { note: 'ok' });
    expect(kyc.decisions[0].decision).toEqual({
      status: KycStatus.Approved,
      adminId: 'admin-1',
      rejectionReason: null,
      documentStatus: KycDocumentStatus.Accepted,
    });
    expect(audit.entries.map((e) => [e.action, e.details])).toEqual([
      ['kyc.approve', { userId: 'user-1', level: 1, from: KycStatus.InReview, to: KycStatus.Approved, note: 'ok' }],
    ]);
  });

  it('pending → rejected straight away: keeps the reason, rejects the documents, audits kyc.reject', async () => {
    const { kyc, audit, service } = setup();
    kyc.applications.push(application('app-1', 'user-1', KycStatus.Pending));
    await service.decide('app-1', KycStatus.Rejected, reviewer, { reason: 'blurry passport' });
    expect(kyc.decisions[0].decision).toMatchObject({ rejectionReason: 'blurry passport', documentStatus: KycDocumentStatus.Rejected });
    expect(audit.entries[0].action).toBe('kyc.reject');
  });

  it('an approval does not keep a rejection reason sent with it', async () => {
    const { kyc, service } = setup();
    kyc.applications.push(application('app-1', 'user-1', KycStatus.InReview));
    await service.decide('app-1', KycStatus.Approved, reviewer, { reason: 'stray' });
    expect(kyc.decisions[0].decision.rejectionReason).toBeNull();
  });

  it.each([
    [KycStatus.Approved, KycStatus.Rejected],
    [KycStatus.Rejected, KycStatus.Approved],
    [KycStatus.Approved, KycStatus.InReview],
    [KycStatus.InReview, KycStatus.Pending],
    [KycStatus.InReview, KycStatus.InReview],
  ])('%s → %s is refused with 409 kyc_illegal_transition and writes nothing', async (from, to) => {
    const { kyc, audit, service } = setup();
    kyc.applications.push(application('app-1', 'user-1', from));
    await expect(service.decide('app-1', to, reviewer)).rejects.toMatchObject({
      code: 'kyc_illegal_transition',
      httpStatus: 409,
      details: { from, to },
    });
    expect(kyc.decisions).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('an unknown application is 404 kyc_application_not_found', async () => {
    const { kyc, audit, service } = setup();
    await expect(service.decide('nope', KycStatus.Approved, reviewer)).rejects.toMatchObject({
      code: 'kyc_application_not_found',
      httpStatus: 404,
    });
    expect(kyc.decisions).toEqual([]);
    expect(audit.entries).toEqual([]);
  });
});

describe('KycService.submit: one open application, no re-applying for an approved level', () => {
  it('inserts a pending application for an active investor with none open', async () => {
    const { kyc, service } = setup();
    kyc.investors.set('user-1', { status: 'active' });
    const result = await service.submit('user-1', { level: 1, documents });
    expect(kyc.inserted).toEqual([{ userId: 'user-1', level: 1, documents }]);
    expect(result).toMatchObject({ userId: 'user-1', level: 1, status: KycStatus.Pending, documents: [] });
  });

  it.each([
    ['an unknown investor', undefined, [], 1, { code: 'user_not_found', httpStatus: 404 }],
    ['a suspended investor', 'suspended', [], 1, { code: 'account_not_active', httpStatus: 403 }],
    ['an application still pending', 'active', [KycStatus.Pending], 2, { code: 'kyc_application_open', httpStatus: 409 }],
    ['an application in review', 'active', [KycStatus.InReview], 2, { code: 'kyc_application_open', httpStatus: 409 }],
    ['the same level approved', 'active', [KycStatus.Approved], 1, { code: 'kyc_already_approved', httpStatus: 409 }],
  ])('refuses %s and inserts nothing', async (_what, status, existing, level, error) => {
    const { kyc, service } = setup();
    if (status) kyc.investors.set('user-1', { status });
    existing.forEach((s, i) => kyc.applications.push(application(`old-${i}`, 'user-1', s, 1)));
    await expect(service.submit('user-1', { level, documents })).rejects.toMatchObject(error);
    expect(kyc.inserted).toEqual([]);
  });

  it('accepts a higher level than the one approved, and a new application after a rejection', async () => {
    const { kyc, service } = setup();
    kyc.investors.set('user-1', { status: 'active' });
    kyc.applications.push(application('old-1', 'user-1', KycStatus.Approved, 1), application('old-2', 'user-1', KycStatus.Rejected, 2));
    await service.submit('user-1', { level: 2, documents });
    expect(kyc.inserted.map((i) => i.level)).toEqual([2]);
  });
});
