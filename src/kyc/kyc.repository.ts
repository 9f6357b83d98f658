import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { cursorTimestampSql, KeysetPosition } from '../common/pagination/keyset-cursor';
import { KycDocumentInputDto } from './dto/kyc.dto';
import { KycStatus, OPEN_KYC_STATUSES } from './entities/kyc-application.entity';
import { KycDocumentStatus } from './entities/kyc-document.entity';

export interface KycApplicationRow {
  id: string;
  userId: string;
  status: KycStatus;
  level: number;
  submittedAt: Date;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  rejectionReason: string | null;
  cursorAt?: string;
}

export interface KycDocumentRow {
  id: string;
  applicationId: string;
  type: string;
  sha256: string;
  storageKey: string;
  mimeType: string | null;
  status: KycDocumentStatus;
  uploadedAt: Date;
}

const APPLICATION_COLUMNS = `a.id, a.user_id AS "userId", a.status, a.level, a.submitted_at AS "submittedAt",
  a.reviewed_at AS "reviewedAt", a.reviewed_by AS "reviewedBy", a.rejection_reason AS "rejectionReason"`;

/** Every kyc_applications / kyc_documents query. */
@Injectable()
export class KycRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Locks the investor's row so two submissions from one investor run one after the other. */
  async lockInvestor(manager: EntityManager, userId: string): Promise<{ status: string } | null> {
    const rows: { status: string }[] = await manager.query(`SELECT status FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    return rows[0] ?? null;
  }

  /** The investor's open application (pending / in review) and highest approved level. */
  async findKycStanding(manager: EntityManager, userId: string): Promise<{ openStatus: KycStatus | null; approvedLevel: number | null }> {
    const rows: { openStatus: KycStatus | null; approvedLevel: number | null }[] = await manager.query(
      `SELECT (SELECT status FROM kyc_applications WHERE user_id = $1 AND status = ANY($2::kyc_status[]) LIMIT 1) AS "openStatus",
              (SELECT max(level) FROM kyc_applications WHERE user_id = $1 AND status = 'approved') AS "approvedLevel"`,
      [userId, OPEN_KYC_STATUSES],
    );
    return rows[0];
  }

  async insertApplication(manager: EntityManager, userId: string, level: number, documents: KycDocumentInputDto[]): Promise<string> {
    const [application]: { id: string }[] = await manager.query(
      `INSERT INTO kyc_applications (user_id, level, status) VALUES ($1, $2, 'pending') RETURNING id`,
      [userId, level],
    );
    // One statement for all documents, from parallel arrays.
    await manager.query(
      `INSERT INTO kyc_documents (application_id, type, sha256, storage_key, mime_type)
       SELECT $1, d.type::kyc_document_type, d.sha256, d.storage_key, d.mime_type
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS d(type, sha256, storage_key, mime_type)`,
      [
        application.id,
        documents.map((d) => d.type),
        documents.map((d) => d.sha256),
        documents.map((d) => d.storageKey),
        documents.map((d) => d.mimeType),
      ],
    );
    return application.id;
  }

  async findApplicationsOfUser(userId: string): Promise<KycApplicationRow[]> {
    return this.dataSource.query(
      `SELECT ${APPLICATION_COLUMNS} FROM kyc_applications a WHERE a.user_id = $1 ORDER BY a.submitted_at DESC, a.id DESC`,
      [userId],
    );
  }

  async findApplication(applicationId: string, manager: EntityManager = this.dataSource.manager): Promise<KycApplicationRow | null> {
    const rows: KycApplicationRow[] = await manager.query(`SELECT ${APPLICATION_COLUMNS} FROM kyc_applications a WHERE a.id = $1`, [
      applicationId,
    ]);
    return rows[0] ?? null;
  }

  async lockApplicationForReview(manager: EntityManager, applicationId: string): Promise<KycApplicationRow | null> {
    const rows: KycApplicationRow[] = await manager.query(
      `SELECT ${APPLICATION_COLUMNS} FROM kyc_applications a WHERE a.id = $1 FOR UPDATE`,
      [applicationId],
    );
    return rows[0] ?? null;
  }

  /** Review queue, oldest submission first, keyset-paginated on (submitted_at, id); idx_kyc_applications_status serves a status filter. */
  async findReviewQueue(filter: { status?: KycStatus; limit: number; after?: KeysetPosition }): Promise<KycApplicationRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.status) where.push(`a.status = $${params.push(filter.status)}`);
    if (filter.after) {
      const at = params.push(filter.after.at);
      const id = params.push(filter.after.id);
      where.push(`(a.submitted_at, a.id) > ($${at}::timestamptz, $${id}::uuid)`);
    }
    const limit = params.push(filter.limit);
    return this.dataSource.query(
      `SELECT ${APPLICATION_COLUMNS}, ${cursorTimestampSql('a.submitted_at')} AS "cursorAt"
         FROM kyc_applications a
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.submitted_at, a.id
        LIMIT $${limit}`,
      params,
    );
  }

  /** Documents of several applications in one query. */
  async findDocuments(applicationIds: string[]): Promise<KycDocumentRow[]> {
    if (applicationIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT id, application_id AS "applicationId", type, sha256, storage_key AS "storageKey", mime_type AS "mimeType",
              status, uploaded_at AS "uploadedAt"
         FROM kyc_documents WHERE application_id = ANY($1::uuid[]) ORDER BY uploaded_at, type, id`,
      [applicationIds],
    );
  }

  async recordDecision(
    manager: EntityManager,
    applicationId: string,
    decision: { status: KycStatus; adminId: string; rejectionReason: string | null; documentStatus: KycDocumentStatus | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE kyc_applications
          SET status = $2, reviewer_admin_id = $3, reviewed_by = (SELECT email FROM admin_users WHERE id = $3),
              reviewed_at = now(), rejection_reason = $4, updated_at = now()
        WHERE id = $1`,
      [applicationId, decision.status, decision.adminId, decision.rejectionReason],
    );
    if (decision.documentStatus) {
      await manager.query(`UPDATE kyc_documents SET status = $2 WHERE application_id = $1 AND status = 'pending'`, [
        applicationId,
        decision.documentStatus,
      ]);
    }
  }
}
