import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AdminUser } from '../../admin/entities/admin-user.entity';
import { LEGACY_ID } from '../../database/columns';
import { User } from '../../users/entities/user.entity';
import { KycDocument } from './kyc-document.entity';

export enum KycStatus {
  Pending = 'pending',
  InReview = 'in_review',
  Approved = 'approved',
  Rejected = 'rejected',
}

/** An application still waiting for a decision (pending or in review). */
export const OPEN_KYC_STATUSES: readonly KycStatus[] = [KycStatus.Pending, KycStatus.InReview];

@Entity('kyc_applications')
@Check('chk_kyc_applications_level', `"level" BETWEEN 1 AND 3`)
@Index('idx_kyc_applications_user', ['userId', 'submittedAt'])
@Index('idx_kyc_applications_status', ['status', 'submittedAt'])
export class KycApplication {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'enum', enum: KycStatus, enumName: 'kyc_status', default: KycStatus.Pending })
  status: KycStatus;

  @Column({ type: 'smallint', default: 1 })
  level: number;

  @Column({ name: 'submitted_at', type: 'timestamptz', default: () => 'now()' })
  submittedAt: Date;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  /** Reviewer's email as recorded; kept verbatim even when that admin no longer exists. */
  @Column({ name: 'reviewed_by', type: 'varchar', length: 254, nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewer_admin_id', type: 'uuid', nullable: true })
  reviewerAdminId: string | null;

  @ManyToOne(() => AdminUser, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'reviewer_admin_id' })
  reviewerAdmin?: AdminUser | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @OneToMany(() => KycDocument, (document) => document.application)
  documents?: KycDocument[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
