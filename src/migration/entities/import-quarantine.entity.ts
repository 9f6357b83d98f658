import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ImportRun } from './import-run.entity';

/** A legacy record that broke a rule: kept whole, with where it was and why, to be fixed and imported again. */
@Entity('import_quarantine')
@Index('idx_import_quarantine_run', ['runId'])
@Index('idx_import_quarantine_place', ['sourceFile', 'location'])
export class ImportQuarantine {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  @ManyToOne(() => ImportRun, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: ImportRun;

  /** Path of the file relative to the store, e.g. `explorer-data/scan-1.json`. */
  @Column({ name: 'source_file', type: 'text' })
  sourceFile: string;

  /** JSON path (`users.usr_x.transactions[3]`) or `byte <offset>` for a broken file. */
  @Column({ type: 'text' })
  location: string;

  @Column({ name: 'legacy_id', type: 'varchar', length: 255, nullable: true })
  legacyId: string | null;

  @Column({ type: 'text' })
  reason: string;

  /** The original record text. */
  @Column({ type: 'text', nullable: true })
  raw: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
