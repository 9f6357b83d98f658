import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What the importer last read of one legacy record: a hash of its exact bytes and the version of
 * the rules that mapped it. A later run that reads the same bytes under the same rules skips the
 * record without parsing or writing it (delta sync for a cutover).
 */
@Entity('import_fingerprints')
export class ImportFingerprint {
  /** The table of the record's row (`users`, `investments`, `blockchain_events`…). */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind: string;

  @PrimaryColumn({ name: 'legacy_id', type: 'text' })
  legacyId: string;

  /** 52 bits of the SHA-1 of the record's context (its key, its opportunity, its scan) and bytes. */
  @Column({ type: 'bigint' })
  fingerprint: string;

  /** The kind's mapping-rules version (mapping-rules.ts); -1: never skipped (it or a record nested in it was quarantined). */
  @Column({ name: 'rules_version', type: 'integer' })
  rulesVersion: number;

  /** Records it refers to (`users:usr_1`, `assets:opp_2`): when one of them is written again, so is this one. */
  @Column({ type: 'text', array: true, nullable: true })
  parents: string[] | null;

  /** The run that last wrote the record. */
  @Column({ name: 'run_id', type: 'uuid' })
  runId: string;

  /** Set when a run found the record no longer in the store (it is never deleted); cleared when it comes back. */
  @Column({ name: 'gone_since', type: 'timestamptz', nullable: true })
  goneSince: Date | null;
}
