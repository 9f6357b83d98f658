import { QueryRunner } from 'typeorm';
import { TextSink } from '../generator/json-sink';
import { embeddable, Placed, QuarantinedRecord, QuarantineSource } from './quarantine';

export interface ExportContext {
  runner: QueryRunner;
  out: string;
  quarantine: QuarantineSource;
  batchSize: number;
}

/** Per legacy file: records written from the database, quarantined records put back, sent aside. */
export interface FileSummary {
  file: string;
  records: Record<string, number>;
  reEmitted: number;
  sideFiled: number;
}

/**
 * Interleaves a parent's exported children with its quarantined ones, each quarantined record
 * at its original position (`[i]` of its location); the rest keep their order.
 */
export async function mergeAtPositions(
  quarantine: QuarantineSource,
  exported: string[],
  placed: Placed[] | undefined,
  summary: FileSummary,
): Promise<string[]> {
  if (!placed || placed.length === 0) return exported;
  const result: string[] = [];
  let next = 0;
  const pending = [...placed];
  while (next < exported.length || pending.length > 0) {
    const head = pending[0];
    if (head && (head.position <= result.length || next >= exported.length)) {
      pending.shift();
      if (embeddable(head)) {
        result.push(head.raw!);
        summary.reEmitted++;
      } else {
        await quarantine.sideFile(head, 'not a JSON value');
        summary.sideFiled++;
      }
    } else {
      result.push(exported[next++]);
    }
  }
  return result;
}

/** Writes `"key": raw` for a quarantined top-level member when it can be, else sends it aside. */
export async function writeQuarantinedMember(
  sink: TextSink,
  quarantine: QuarantineSource,
  record: QuarantinedRecord & { taken: boolean },
  key: string | null,
  first: boolean,
  summary: FileSummary,
): Promise<boolean> {
  if (record.taken) {
    await quarantine.sideFile(record, 'the database has a record with this id; the export writes that one');
  } else if (key === null || !embeddable(record)) {
    await quarantine.sideFile(record, key === null ? 'no key to put it under' : 'not a JSON value');
  } else {
    await sink.write(`${first ? '' : ','}\n${JSON.stringify(key)}:${record.raw}`);
    summary.reEmitted++;
    return true;
  }
  summary.sideFiled++;
  return false;
}

/** Writes a quarantined array element when it can be, else sends it aside. */
export async function writeQuarantinedElement(
  sink: TextSink,
  quarantine: QuarantineSource,
  record: QuarantinedRecord & { taken: boolean },
  first: boolean,
  summary: FileSummary,
): Promise<boolean> {
  if (record.taken || !embeddable(record)) {
    await quarantine.sideFile(
      record,
      record.taken ? 'the database has a record with this id; the export writes that one' : 'not a JSON value',
    );
    summary.sideFiled++;
    return false;
  }
  await sink.write(`${first ? '' : ','}\n${record.raw}`);
  summary.reEmitted++;
  return true;
}

/** Everything else the run quarantined from these files (broken tails, unknown places) goes aside. */
export async function sideFileRest(
  quarantine: QuarantineSource,
  filePattern: string,
  handledLocations: string | null,
  summary: FileSummary,
): Promise<void> {
  for await (const record of quarantine.recordsOfFiles(filePattern, handledLocations)) {
    await quarantine.sideFile(
      record,
      /^byte /.test(record.location) ? 'a broken or truncated part of the file' : 'no place for it in the exported file',
    );
    summary.sideFiled++;
  }
}
