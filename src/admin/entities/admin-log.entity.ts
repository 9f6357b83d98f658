import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LEGACY_ID } from '../../database/columns';
import { AdminUser } from './admin-user.entity';

/** The audit trail. Rows are only ever inserted: never updated, never deleted. */
@Entity('admin_logs')
// Created DESC in the migration; TypeORM cannot express the sort order.
@Index('idx_admin_logs_timestamp', ['timestamp'])
@Index('idx_admin_logs_target', ['targetType', 'targetId'])
export class AdminLog {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** `log_…`, or `#<position>` for entries written before ids existed. */
  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'admin_user_id', type: 'uuid', nullable: true })
  adminUserId: string | null;

  @ManyToOne(() => AdminUser, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'admin_user_id' })
  adminUser?: AdminUser | null;

  /** The acting admin's email exactly as recorded, even when that admin no longer exists. */
  @Column({ name: 'admin_email', type: 'varchar', length: 254, nullable: true })
  adminEmail: string | null;

  @Column({ type: 'varchar', length: 100 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 50, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 128, nullable: true })
  targetId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  /** Kept as text: an audit entry is stored as written, even with a malformed address. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'timestamptz' })
  timestamp: Date;
}
