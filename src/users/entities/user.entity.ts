import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ADDRESS_PATTERN, LEGACY_ID, SHA256_PATTERN } from '../../database/columns';
import { UserProfile } from './user-profile.entity';
import { UserTier } from './user-tier.entity';

export enum UserStatus {
  Active = 'active',
  Suspended = 'suspended',
  Closed = 'closed',
}

@Entity('users')
// The admin list pages newest first on (created_at, id).
@Index('idx_users_created', ['createdAt', 'id'])
@Check('chk_users_phone_e164', `"phone_e164" IS NULL OR "phone_e164" ~ '^\\+[1-9][0-9]{6,14}$'`)
@Check('chk_users_phone_hash', `"phone_hash" ~ ${SHA256_PATTERN}`)
@Check('chk_users_blockchain_address', `"blockchain_address" IS NULL OR "blockchain_address" ~ ${ADDRESS_PATTERN}`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  /** E.164; null only for users imported from the v1 store, which kept just the hash. */
  @Column({ name: 'phone_e164', type: 'varchar', length: 16, nullable: true, unique: true })
  phoneE164: string | null;

  /** Lowercase hex SHA-256 of the E.164 phone's UTF-8 bytes. */
  @Index('idx_users_phone_hash', { unique: true })
  @Column({ name: 'phone_hash', type: 'char', length: 64 })
  phoneHash: string;

  /** EIP-55 checksummed. */
  @Index('idx_users_blockchain_address', { unique: true })
  @Column({ name: 'blockchain_address', type: 'varchar', length: 42, nullable: true })
  blockchainAddress: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName: string | null;

  @Column({ name: 'tier_id', type: 'smallint', nullable: true })
  tierId: number | null;

  @ManyToOne(() => UserTier, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tier_id' })
  tier?: UserTier | null;

  @Column({ type: 'enum', enum: UserStatus, enumName: 'user_status', default: UserStatus.Active })
  status: UserStatus;

  @OneToOne(() => UserProfile, (profile) => profile.user)
  profile?: UserProfile | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
