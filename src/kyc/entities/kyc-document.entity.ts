import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LEGACY_ID, SHA256_PATTERN } from '../../database/columns';
import { KycApplication } from './kyc-application.entity';

export enum KycDocumentType {
  Passport = 'passport',
  NationalId = 'national_id',
  DriversLicense = 'drivers_license',
  ProofOfAddress = 'proof_of_address',
  Selfie = 'selfie',
}

export enum KycDocumentStatus {
  Pending = 'pending',
  Accepted = 'accepted',
  Rejected = 'rejected',
}

@Entity('kyc_documents')
@Check('chk_kyc_documents_sha256', `"sha256" ~ ${SHA256_PATTERN}`)
@Index('idx_kyc_documents_application', ['applicationId'])
export class KycDocument {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => KycApplication, (application) => application.documents, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'application_id' })
  application?: KycApplication;

  @Column({ type: 'enum', enum: KycDocumentType, enumName: 'kyc_document_type' })
  type: KycDocumentType;

  /** Object-storage key of the file; the bytes never enter the database. */
  @Column({ name: 'storage_key', type: 'varchar', length: 512 })
  storageKey: string;

  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ name: 'mime_type', type: 'varchar', length: 100, nullable: true })
  mimeType: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' })
  uploadedAt: Date;

  @Column({ type: 'enum', enum: KycDocumentStatus, enumName: 'kyc_document_status', default: KycDocumentStatus.Pending })
  status: KycDocumentStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
