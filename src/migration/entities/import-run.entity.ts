import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum ImportRunStatus {
  Running = 'running',
  Completed = 'completed',
  Failed = 'failed',
}

/** One execution of the legacy JSON importer. */
@Entity('import_runs')
@Index('idx_import_runs_started', ['startedAt'])
export class ImportRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'enum', enum: ImportRunStatus, enumName: 'import_run_status', default: ImportRunStatus.Running })
  status: ImportRunStatus;

  @Column({ name: 'dry_run', type: 'boolean', default: false })
  dryRun: boolean;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  /** The run's report: per table counts, duration, quarantine summary. */
  @Column({ type: 'jsonb', nullable: true })
  report: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
