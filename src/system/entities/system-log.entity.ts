import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum SystemLogLevel {
  Debug = 'debug',
  Info = 'info',
  Warn = 'warn',
  Error = 'error',
}

@Entity('system_logs')
@Index('idx_system_logs_created', ['createdAt'])
@Index('idx_system_logs_category', ['category', 'createdAt'])
export class SystemLog {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'enum', enum: SystemLogLevel, enumName: 'system_log_level' })
  level: SystemLogLevel;

  /** What produced it: `slow_query`, `backup`, `migration`, … */
  @Column({ type: 'varchar', length: 50 })
  category: string;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
