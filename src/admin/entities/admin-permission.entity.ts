import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LEGACY_ID } from '../../database/columns';
import { AdminRole, AdminUser } from './admin-user.entity';

/**
 * A `resource:action` grant (`*` = everything), either to a role (the seeded
 * catalogue every admin of that role gets) or to one admin (as the legacy store lists them).
 */
@Entity('admin_permissions')
@Check('chk_admin_permissions_grantee', `num_nonnulls("admin_user_id", "role") = 1`)
@Check('chk_admin_permissions_format', `"permission" ~ '^(\\*|[a-z_]+:([a-z_]+|\\*))$'`)
@Index('uq_admin_permissions_admin', ['adminUserId', 'permission'], { unique: true, where: '"admin_user_id" IS NOT NULL' })
@Index('uq_admin_permissions_role', ['role', 'permission'], { unique: true, where: '"role" IS NOT NULL' })
export class AdminPermission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'admin_user_id', type: 'uuid', nullable: true })
  adminUserId: string | null;

  @ManyToOne(() => AdminUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'admin_user_id' })
  adminUser?: AdminUser | null;

  @Column({ type: 'enum', enum: AdminRole, enumName: 'admin_role', nullable: true })
  role: AdminRole | null;

  @Column({ type: 'varchar', length: 100 })
  permission: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
