import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/pagination/keyset-cursor';
import { UserError } from '../users/users.errors';
import { KycApplicationDto, KycApplicationPageDto, KycQueueQueryDto, SubmitKycApplicationDto } from './dto/kyc.dto';
import { KycStatus } from './entities/kyc-application.entity';
import { KycError } from './kyc.errors';
import { KycApplicationRow, KycRepository } from './kyc.repository';
import { canMoveKyc, documentStatusAfter } from './kyc-state';

export interface ReviewerContext {
  adminId: string;
  ip: string | null;
}

@Injectable()
export class KycService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kyc: KycRepository,
    private readonly audit: AdminAuditService,
  ) {}

  /** One open application at a time; a level already approved cannot be applied for again. */
  async submit(userId: string, dto: SubmitKycApplicationDto): Promise<KycApplicationDto> {
    const applicationId = await this.dataSource.transaction(async (manager) => {
      const investor = await this.kyc.lockInvestor(manager, userId);
      if (!investor) throw UserError.notFound();
      if (investor.status !== 'active') throw new KycError('account_not_active', `The account is ${investor.status}`, 403);
      const standing = await this.kyc.findKycStanding(manager, userId);
      if (standing.openStatus) throw KycError.applicationOpen(standing.openStatus);
      if (standing.approvedLevel !== null && standing.approvedLevel >= dto.level) throw KycError.alreadyApproved(standing.approvedLevel);
      return this.kyc.insertApplication(manager, userId, dto.level, dto.documents);
    });
    return this.getApplication(applicationId);
  }

  async listOwnApplications(userId: string): Promise<KycApplicationDto[]> {
    return this.withDocuments(await this.kyc.findApplicationsOfUser(userId));
  }

  async getApplication(applicationId: string): Promise<KycApplicationDto> {
    const application = await this.kyc.findApplication(applicationId);
    if (!application) throw KycError.notFound();
    return (await this.withDocuments([application]))[0];
  }

  async listReviewQueue(query: KycQueueQueryDto): Promise<KycApplicationPageDto> {
    const limit = query.limit ?? 20;
    const rows = await this.kyc.findReviewQueue({
      status: query.status,
      limit: limit + 1,
      after: query.cursor ? decodeKeysetCursor(query.cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: await this.withDocuments(page),
      nextCursor: rows.length > limit && last?.cursorAt ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
    };
  }

  /** Moves an application along the state machine (409 otherwise), audited in the same transaction. */
  async decide(applicationId: string, to: KycStatus, reviewer: ReviewerContext, notes: { reason?: string; note?: string } = {}) {
    await this.dataSource.transaction(async (manager) => {
      const application = await this.kyc.lockApplicationForReview(manager, applicationId);
      if (!application) throw KycError.notFound();
      if (!canMoveKyc(application.status, to)) throw KycError.illegalTransition(application.status, to);
      await this.kyc.recordDecision(manager, applicationId, {
        status: to,
        adminId: reviewer.adminId,
        rejectionReason: to === KycStatus.Rejected ? (notes.reason ?? null) : null,
        documentStatus: documentStatusAfter(to),
      });
      await this.audit.record(manager, {
        adminId: reviewer.adminId,
        action: to === KycStatus.InReview ? 'kyc.start_review' : to === KycStatus.Approved ? 'kyc.approve' : 'kyc.reject',
        targetType: 'kyc_application',
        targetId: applicationId,
        details: { userId: application.userId, level: application.level, from: application.status, to, ...notes },
        ip: reviewer.ip,
      });
    });
    return this.getApplication(applicationId);
  }

  private async withDocuments(applications: KycApplicationRow[]): Promise<KycApplicationDto[]> {
    const documents = await this.kyc.findDocuments(applications.map((a) => a.id));
    return applications.map(({ cursorAt: _cursorAt, ...application }) => ({
      ...application,
      documents: documents
        .filter((d) => d.applicationId === application.id)
        .map(({ applicationId: _applicationId, ...document }) => document as KycApplicationDto['documents'][number]),
    }));
  }
}
