import * as path from 'node:path';
import { TextSink } from '../generator/json-sink';
import { ExportContext, FileSummary, sideFileRest } from './context';
import { embeddable, QuarantinedRecord } from './quarantine';
import { cursorBatches, iso, raw, str } from './sql';

const FILE = 'admin-logs.json';
/** `[i]` (array form) or `logs[i]` (the old `{logs:[…]}` form). */
const LOG_LOCATION = '^(logs)?\\[[0-9]+\\]$';

interface LogRow {
  position: string | null;
  legacy_id: string | null;
  admin_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: string | null;
  ip: string | null;
  ts: string;
}

/** Pulls rows one at a time from a cursor's batches. */
class Stream<T> {
  private batch: T[] = [];
  private index = 0;
  private done = false;

  constructor(private readonly source: AsyncGenerator<T[]>) {}

  async peek(): Promise<T | undefined> {
    while (this.index >= this.batch.length && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.batch = next.value;
        this.index = 0;
      }
    }
    return this.index < this.batch.length ? this.batch[this.index] : undefined;
  }

  async take(): Promise<T | undefined> {
    const head = await this.peek();
    this.index++;
    return head;
  }
}

function logText(row: LogRow, withId: boolean): string {
  // Fields that are null were absent (the oldest entries have no admin, target or ip).
  const parts: string[] = [];
  if (withId) parts.push(`"id":${str(row.legacy_id)}`);
  parts.push(`"timestamp":${str(row.ts)}`);
  if (row.admin_email !== null) parts.push(`"admin":${str(row.admin_email)}`);
  parts.push(`"action":${str(row.action)}`);
  if (row.target_type !== null) parts.push(`"targetType":${str(row.target_type)}`);
  if (row.target_id !== null) parts.push(`"targetId":${str(row.target_id)}`);
  if (row.details !== null) parts.push(`"details":${raw(row.details)}`);
  if (row.ip !== null) parts.push(`"ip":${str(row.ip)}`);
  return `{${parts.join(',')}}`;
}

/**
 * admin-logs.json, as one array, oldest first. Entries imported without an id (legacy id `#<i>`)
 * are written without an id at position i again, and quarantined entries at their positions, so
 * a re-import gives every entry the same legacy id; entries with ids fill the other places in
 * time order, and entries the new platform wrote (no legacy id) follow with `log_<uuid>` ids.
 */
export async function exportAdminLogs(context: ExportContext): Promise<FileSummary> {
  const { runner, quarantine } = context;
  const summary: FileSummary = { file: FILE, records: { logs: 0 }, reEmitted: 0, sideFiled: 0 };
  const columns = `legacy_id, admin_email, action, target_type, target_id, details::text AS details, ip, ${iso('"timestamp"')} AS ts`;
  const positional = new Stream(
    cursorBatches<LogRow>(
      runner,
      `SELECT substring(legacy_id FROM 2)::bigint AS position, ${columns} FROM admin_logs
       WHERE legacy_id ~ '^#[0-9]+$' ORDER BY substring(legacy_id FROM 2)::bigint`,
      context.batchSize,
    ),
  );
  const identified = new Stream(
    cursorBatches<LogRow>(
      runner,
      `SELECT NULL AS position, ${columns} FROM admin_logs WHERE legacy_id !~ '^#[0-9]+$' ORDER BY "timestamp", legacy_id`,
      context.batchSize,
    ),
  );
  const created = new Stream(
    cursorBatches<LogRow>(
      runner,
      `SELECT NULL AS position, 'log_' || replace(id::text, '-', '') AS legacy_id, admin_email, action, target_type, target_id,
         details::text AS details, ip, ${iso('"timestamp"')} AS ts
       FROM admin_logs WHERE legacy_id IS NULL ORDER BY "timestamp", id`,
      context.batchSize,
    ),
  );
  const quarantinedRows = async function* (): AsyncGenerator<Array<QuarantinedRecord & { position: number }>> {
    const batch: Array<QuarantinedRecord & { position: number }> = [];
    for await (const record of quarantine.records(FILE, LOG_LOCATION, 'false', `substring(location FROM '\\[([0-9]+)\\]$')::bigint, id`)) {
      batch.push({ ...record, position: Number(/\[([0-9]+)\]$/.exec(record.location)![1]) });
      if (batch.length >= 500) yield batch.splice(0);
    }
    if (batch.length) yield batch;
  };
  const quarantined = new Stream(quarantinedRows());

  const sink = new TextSink(path.join(context.out, FILE));
  await sink.write('[');
  let written = 0;
  for (;;) {
    const nextPositional = await positional.peek();
    const nextQuarantined = await quarantined.peek();
    const positionalAt = nextPositional ? Number(nextPositional.position) : Infinity;
    const quarantinedAt = nextQuarantined ? nextQuarantined.position : Infinity;
    let text: string;
    // An entry is due when its place is reached; when nothing else is left, a later place is
    // taken early (entries deleted since the import leave a gap that shifts the rest).
    const due = Math.min(positionalAt, quarantinedAt) <= written || (!(await identified.peek()) && !(await created.peek()));
    if (due && (nextPositional || nextQuarantined)) {
      if (positionalAt <= quarantinedAt) {
        text = logText((await positional.take())!, false);
        summary.records.logs++;
      } else {
        const record = (await quarantined.take())!;
        if (!embeddable(record)) {
          await quarantine.sideFile(record, 'not a JSON value');
          summary.sideFiled++;
          continue;
        }
        text = record.raw!;
        summary.reEmitted++;
      }
    } else if (await identified.peek()) {
      text = logText((await identified.take())!, true);
      summary.records.logs++;
    } else if (await created.peek()) {
      text = logText((await created.take())!, true);
      summary.records.logs++;
    } else {
      break;
    }
    await sink.write(`${written === 0 ? '' : ','}\n${text}`);
    written++;
  }
  await sink.write('\n]\n');
  await sink.close();
  await sideFileRest(quarantine, '^admin-logs\\.json$', LOG_LOCATION, summary);
  return summary;
}
