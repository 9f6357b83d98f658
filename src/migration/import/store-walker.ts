import * as fs from 'node:fs';
import * as path from 'node:path';
import { Classification, PathSegment } from '../reader/json-record-scanner';
import { JsonObject, JsonValue, parseJsonText } from '../reader/json-value';
import { readJsonRecords } from '../reader/record-reader';
import { BatchCheck, LooseQuarantine } from './batch-writer';
import { ImportUnit, unit } from './import-unit';
import { ADMIN_LOGS, classifyAdminLogs, mapAdminLog } from './mappers/admin-logs.mapper';
import { jsonPath } from './mappers/common';
import {
  buildExplorerHeader,
  classifyExplorerHeader,
  classifyExplorerRecords,
  EXPLORER_DIR,
  ExplorerHeader,
  mapExplorerValue,
} from './mappers/explorer.mapper';
import { classifyMetadataKyc, classifyMetadataSettings, mapMetadataValue, METADATA } from './mappers/metadata.mapper';
import {
  classifyInvestments,
  classifyOpportunityFields,
  mapInvestment,
  mapOpportunity,
  OPPORTUNITIES,
} from './mappers/opportunities.mapper';
import { classifyWalletDb, mapWalletDbValue, WALLET_DB } from './mappers/wallet-db.mapper';
import { mergesRepeats, TableName } from './table-specs';
import { SeenKeys } from './seen-keys';
import { checkUsers, dropRemovedPermissions } from './convergence.check';
import { FingerprintBuilder, FingerprintIndex, fingerprintOf, FingerprintStore } from './fingerprints';
import { FingerprintKind } from './mapping-rules';

export const DEFAULT_BATCH_SIZE = 1000;

const CHAIN_KINDS: readonly FingerprintKind[] = ['blockchain_events', 'contract_interactions'];

export interface ImportProgress {
  event: 'start' | 'progress' | 'end';
  /** Path relative to the store. */
  file: string;
  /** What this pass over the file reads. */
  pass: string;
  bytesRead: number;
  totalBytes: number;
  /** Records read so far in this run. */
  records: number;
}

/** Something the reader did to read a file that the report should show (e.g. a byte-order mark skipped). */
export interface FileNote {
  file: string;
  note: string;
}

type ValueHandler = (path: PathSegment[], raw: string, value: JsonValue) => ImportUnit[] | ImportUnit | null;

interface FilePass {
  file: string;
  pass: string;
  /** Table a broken or unreadable record of this pass is counted under. */
  table: TableName;
  classify: (path: PathSegment[]) => Classification;
  onValue: ValueHandler;
  onClose?: (path: PathSegment[]) => void;
  check?: BatchCheck;
  /** A second pass over a file already reported broken must not quarantine its tail twice. */
  reportBreak: boolean;
  /** Records read whole and skipped when unchanged: their kind and context (null: not such a record). */
  fingerprint?: {
    index: FingerprintIndex;
    kind: (path: PathSegment[]) => FingerprintKind;
    context: (path: PathSegment[]) => string | null;
  };
}

/** Where the walker's batches go: the database writer, or the validator's comparison. */
export interface UnitSink {
  /** Resolves once the sink has taken the batch; it may still be writing it (see drain). */
  write(units: ImportUnit[], loose: LooseQuarantine[], check?: BatchCheck): Promise<void>;
  /** Resolves once everything taken so far is written. */
  drain?(): Promise<void>;
  /** Tier names known once the store's tiers are in (a user's tier must be one of them). */
  tierNames(): Promise<Set<string>>;
  /** Fingerprints of an earlier run: unchanged records are skipped (the importer's delta sync). */
  fingerprints?: Pick<FingerprintStore, 'load' | 'close'>;
}

/**
 * Reads a store in dependency order and hands its records, mapped and batched, to a sink:
 * settings (tiers, admins), assets, users with their transactions, investments, KYC, admin
 * logs, explorer data. The next batch is read while the sink writes the ones before it; each file
 * pass is written completely before the next pass starts (parents before children).
 */
export class StoreWalker {
  private readonly batchSize: number;
  private batch: ImportUnit[] = [];
  private loose: LooseQuarantine[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  /** Records read so far. */
  records = 0;
  private tierNames = new Set<string>();
  /** Every id read in this run, so a repeat far from the first copy is quarantined, not written over it. */
  private readonly seen = new SeenKeys();
  private readonly opportunityIds = new Map<number, string | null>();
  /** What the reader fixed to read a file (a skipped byte-order mark), once per file. */
  readonly fileNotes: FileNote[] = [];
  /** Records skipped unparsed because their fingerprint is unchanged, per kind. */
  readonly skipped: Partial<Record<FingerprintKind, number>> = {};
  /** Bytes of the files read, over all passes. */
  bytesScanned = 0;

  constructor(
    private readonly source: string,
    private readonly sink: UnitSink,
    private readonly options: { batchSize?: number; onProgress?: (progress: ImportProgress) => void } = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  async walk(): Promise<void> {
    await this.readPass({
      file: METADATA,
      pass: 'tiers, admins, scanner',
      table: 'user_tiers',
      classify: classifyMetadataSettings,
      onValue: mapMetadataValue,
      check: dropRemovedPermissions,
      reportBreak: true,
    });
    await this.drain();
    this.tierNames = await this.sink.tierNames();

    const fields = new Map<number, JsonObject>();
    const assetPrints = new Map<number, FingerprintBuilder>();
    const assetIndex = await this.loadIndex(['assets']);
    await this.readPass({
      file: OPPORTUNITIES,
      pass: 'opportunities',
      table: 'assets',
      classify: classifyOpportunityFields,
      onValue: (p, _raw, value) => {
        if (p.length === 3 && typeof p[1] === 'number') {
          const own = fields.get(p[1]) ?? (Object.create(null) as JsonObject);
          own[String(p[2])] = value;
          fields.set(p[1], own);
          if (assetIndex) {
            const print = assetPrints.get(p[1]) ?? new FingerprintBuilder();
            assetPrints.set(p[1], print.add(String(p[2]), _raw));
          }
        }
        return null;
      },
      onClose: (p) => {
        if (p.length !== 2 || typeof p[1] !== 'number') return;
        // An opportunity is read field by field (its investments apart): its fields are parsed, as
        // there are few; an unchanged one is not written.
        const asset = mapOpportunity(p[1], fields.get(p[1]) ?? (Object.create(null) as JsonObject));
        fields.delete(p[1]);
        this.opportunityIds.set(p[1], asset.row ? asset.legacyId : null);
        const print = assetPrints.get(p[1]) ?? new FingerprintBuilder();
        assetPrints.delete(p[1]);
        if (assetIndex) {
          asset.fingerprint = print.value();
          if (assetIndex.unchanged(asset.fingerprint)) {
            this.skip('assets');
            return;
          }
        }
        this.add(asset);
      },
      reportBreak: true,
    });
    await this.drain();
    await this.closeIndex(['assets'], assetIndex);

    const userIndex = await this.loadIndex(['users']);
    await this.readPass({
      file: WALLET_DB,
      pass: 'users',
      table: 'users',
      classify: classifyWalletDb,
      onValue: (p, raw, value) => mapWalletDbValue(p, raw, value, this.tierNames),
      check: checkUsers,
      reportBreak: true,
      // v2 `users.<id>` or a v1 `<phone hash>` entry: the key is the id.
      fingerprint: userIndex && { index: userIndex, kind: () => 'users', context: (p) => String(p[p.length - 1]) },
    });
    await this.drain();
    await this.closeIndex(['users'], userIndex);

    const investmentIndex = await this.loadIndex(['investments']);
    await this.readPass({
      file: OPPORTUNITIES,
      pass: 'investments',
      table: 'investments',
      classify: classifyInvestments,
      onValue: (p, raw, value) => (p.length === 4 ? mapInvestment(p, raw, value, this.opportunityIds.get(p[1] as number) ?? null) : null),
      reportBreak: false,
      // The opportunity it is in (by legacy id, or as quarantined) is part of what it means.
      fingerprint: investmentIndex && {
        index: investmentIndex,
        kind: () => 'investments',
        context: (p) => (p.length === 4 ? `${this.opportunityIds.get(p[1] as number) ?? '\u0000quarantined'}` : null),
      },
    });
    await this.drain();
    await this.closeIndex(['investments'], investmentIndex);

    const kycIndex = await this.loadIndex(['kyc_applications']);
    await this.readPass({
      file: METADATA,
      pass: 'kyc',
      table: 'kyc_applications',
      classify: classifyMetadataKyc,
      onValue: mapMetadataValue,
      reportBreak: false,
      // Keyed by the user's id.
      fingerprint: kycIndex && {
        index: kycIndex,
        kind: () => 'kyc_applications',
        context: (p) => (p.length === 2 && p[0] === 'kyc' ? String(p[1]) : null),
      },
    });
    await this.drain();
    await this.closeIndex(['kyc_applications'], kycIndex);

    const logIndex = await this.loadIndex(['admin_logs']);
    await this.readPass({
      file: ADMIN_LOGS,
      pass: 'admin logs',
      table: 'admin_logs',
      classify: classifyAdminLogs,
      onValue: mapAdminLog,
      reportBreak: true,
      // Its place: an entry without an id is known by it (the log is only appended to).
      fingerprint: logIndex && { index: logIndex, kind: () => 'admin_logs', context: (p) => String(p[p.length - 1]) },
    });
    await this.drain();
    await this.closeIndex(['admin_logs'], logIndex);

    const chainIndex = await this.loadIndex(CHAIN_KINDS);
    for (const file of this.explorerFiles()) await this.importExplorerFile(file, chainIndex);
    await this.drain();
    await this.closeIndex(CHAIN_KINDS, chainIndex);
  }

  private async loadIndex(kinds: readonly FingerprintKind[]): Promise<FingerprintIndex | undefined> {
    return this.sink.fingerprints?.load(kinds);
  }

  private async closeIndex(kinds: readonly FingerprintKind[], index: FingerprintIndex | undefined): Promise<void> {
    if (index) await this.sink.fingerprints?.close(kinds, index);
  }

  private skip(kind: FingerprintKind): void {
    this.skipped[kind] = (this.skipped[kind] ?? 0) + 1;
  }

  private explorerFiles(): string[] {
    const dir = path.join(this.source, EXPLORER_DIR);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.json') && fs.statSync(path.join(dir, name)).isFile())
      .sort()
      .map((name) => `${EXPLORER_DIR}/${name}`);
  }

  private async importExplorerFile(file: string, index: FingerprintIndex | undefined): Promise<void> {
    const fields: Record<string, JsonValue> = {};
    await this.readPass({
      file,
      pass: 'scan header',
      table: 'blockchain_events',
      classify: classifyExplorerHeader,
      onValue: (p, _raw, value) => {
        if (p.length === 1) fields[String(p[0])] = value;
        return null;
      },
      reportBreak: false,
    });
    const header: ExplorerHeader = buildExplorerHeader(fields);
    await this.readPass({
      file,
      pass: 'events and calls',
      table: 'blockchain_events',
      classify: classifyExplorerRecords,
      onValue: (p, raw, value) => mapExplorerValue(file, p, raw, value, header),
      reportBreak: true,
      // The scan's contract (from the file's header) is part of what an event or call means.
      fingerprint: index && {
        index,
        kind: (p) => (p[0] === 'events' ? 'blockchain_events' : 'contract_interactions'),
        context: (p) =>
          p.length === 2 ? `${String(p[0])}|${header.chainId}|${header.contractAddress}|${header.contractName}|${header.problem}` : null,
      },
    });
  }

  private async readPass(pass: FilePass): Promise<void> {
    const fullPath = path.join(this.source, pass.file);
    if (!fs.existsSync(fullPath)) return;
    this.currentCheck = pass.check;
    const progress = (event: ImportProgress['event'], bytesRead: number, totalBytes: number) =>
      this.options.onProgress?.({ event, file: pass.file, pass: pass.pass, bytesRead, totalBytes, records: this.records });
    const totalBytes = fs.statSync(fullPath).size;
    this.bytesScanned += totalBytes;
    progress('start', 0, totalBytes);
    for await (const item of readJsonRecords(fullPath, pass.classify, (p) => progress('progress', p.bytesRead, p.totalBytes))) {
      if ('note' in item) {
        if (!this.fileNotes.some((n) => n.file === pass.file && n.note === item.note))
          this.fileNotes.push({ file: pass.file, note: item.note });
        continue;
      }
      if ('broken' in item) {
        if (pass.reportBreak) {
          const last = item.broken.path[item.broken.path.length - 1];
          this.records++;
          this.loose.push({
            table: pass.table,
            file: pass.file,
            location: `byte ${item.broken.offset}`,
            legacyId: typeof last === 'string' ? last : null,
            reason: item.broken.reason,
            raw: item.broken.tail,
          });
        }
        break;
      }
      for (const event of item) {
        if (event.kind === 'close') {
          pass.onClose?.(event.path);
          continue;
        }
        const { found } = event;
        const location = jsonPath(found.path);
        const last = found.path[found.path.length - 1];
        const legacyKey = typeof last === 'string' ? last : null;
        if (found.oversize) {
          this.add(
            unit({
              table: pass.table,
              file: pass.file,
              location,
              legacyId: legacyKey,
              raw: null,
              rejected: `record is larger than 64 MiB (bytes ${found.start}-${found.end})`,
            }),
          );
          continue;
        }
        let fingerprint: number | undefined;
        const context = pass.fingerprint?.context(found.path) ?? null;
        if (pass.fingerprint && context !== null) {
          fingerprint = fingerprintOf(context, found.raw);
          if (pass.fingerprint.index.unchanged(fingerprint)) {
            this.skip(pass.fingerprint.kind(found.path));
            continue;
          }
        }
        const raw = found.raw.toString('utf8');
        let value: JsonValue;
        try {
          value = parseJsonText(raw);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          this.add(
            unit({
              table: pass.table,
              file: pass.file,
              location,
              legacyId: legacyKey,
              raw,
              rejected: `record is not valid JSON: ${message}`,
              // Recorded as quarantined (never skipped), not as gone.
              fingerprint,
            }),
          );
          continue;
        }
        const mapped = pass.onValue(found.path, raw, value);
        if (mapped === null) continue;
        for (const u of Array.isArray(mapped) ? mapped : [mapped]) {
          u.fingerprint = fingerprint;
          this.add(u);
        }
        if (this.batch.length >= this.batchSize) await this.flush();
      }
    }
    progress('end', totalBytes, totalBytes);
    await this.flush();
  }

  private currentCheck: BatchCheck | undefined;

  private add(u: ImportUnit): void {
    this.records++;
    this.claimIds(u);
    this.batch.push(u);
  }

  /**
   * The first record with an id keeps it; a later one is quarantined (chain data merges instead).
   * A one-to-one child keyed by its parent's id (a profile, an agreement) repeats only with it.
   */
  private claimIds(u: ImportUnit, parentKey: string | null = null): void {
    if (u.rejected !== null) return;
    const claims = u.key !== null && u.key !== parentKey && !mergesRepeats(u.table);
    if (claims && !this.seen.add(u.table, u.key as string)) {
      u.rejected = `duplicate id: an earlier record in the store has the same id (${u.key})`;
      return;
    }
    for (const child of u.children) this.claimIds(child, u.key);
  }

  /**
   * Starts writing the batch and returns once the one before it is written: the next batch is
   * parsed while this one is written, and no more than that is held in memory.
   */
  private async flush(): Promise<void> {
    if (this.batch.length === 0 && this.loose.length === 0) return;
    const units = this.batch;
    const loose = this.loose;
    const check = this.currentCheck;
    this.batch = [];
    this.loose = [];
    const previous = this.inFlight;
    const next = previous.then(() => this.sink.write(units, loose, check));
    // Observed here so a failure waits for drain() instead of crashing the process.
    next.catch(() => undefined);
    this.inFlight = next;
    await previous;
  }

  private async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
    await this.sink.drain?.();
  }
}
