import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { LEGACY_ID } from '../../database/columns';

export enum AdminRole {
  Superadmin = 'superadmin',
  Compliance = 'compliance',
  Support = 'support',
  Analyst = 'analyst',
}

@Entity('admin_users')
@Check('chk_admin_users_email_lower', `"email" = lower("email")`)
export class AdminUser {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The legacy store keys admins by email. */
  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ type: 'varchar', length: 254, unique: true })
  email: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  @Column({ type: 'enum', enum: AdminRole, enumName: 'admin_role' })
  role: AdminRole;

  /** bcrypt (imported) or argon2/bcrypt (new); null means the admin cannot log in with a password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'failed_login_count', type: 'integer', default: 0 })
  failedLoginCount: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
