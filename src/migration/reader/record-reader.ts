import * as fs from 'node:fs';
import { decodeRefused, sniffEncoding, SNIFF_BYTES } from './file-encoding';
import { Classification, JsonRecordScanner, JsonScanError, PathSegment, ScannedValue } from './json-record-scanner';

export type ScanEvent = { kind: 'value'; found: ScannedValue } | { kind: 'close'; path: PathSegment[] };

/** Where and why a file stopped being readable; what came before it was delivered. */
export interface BrokenFile {
  offset: number;
  reason: string;
  /** Key or index path of the record that was being read, when known. */
  path: PathSegment[];
  /** The file's bytes from `offset`, at most `MAX_BROKEN_TAIL` of them. */
  tail: string;
  tailBytes: number;
}

export const MAX_BROKEN_TAIL = 1024 * 1024;

/** A file the reader could read only after a fix it made (a skipped UTF-8 byte-order mark). */
export interface ReadNote {
  note: string;
}

export interface ReadProgress {
  bytesRead: number;
  totalBytes: number;
}

/**
 * Streams a JSON file and yields, chunk by chunk, the values found at the paths `classify`
 * marks as records (and the end of the containers it walks into). Memory is bounded by one
 * read chunk plus the largest record. A file that breaks off yields a final `broken` item.
 */
export async function* readJsonRecords(
  filePath: string,
  classify: (path: PathSegment[]) => Classification,
  onProgress?: (progress: ReadProgress) => void,
): AsyncGenerator<ScanEvent[] | { broken: BrokenFile } | ReadNote> {
  const totalBytes = (await fs.promises.stat(filePath)).size;
  const encoding = sniffEncoding(await readBytes(filePath, 0, SNIFF_BYTES));
  if (!encoding.supported) {
    // Nothing of the file is read as records: all of it is one quarantine entry.
    const bytes = await readBytes(filePath, 0, MAX_BROKEN_TAIL);
    const reason =
      `file is ${encoding.encoding} (${encoding.evidence}), not UTF-8: no record of it was imported; ` +
      `convert it to UTF-8 (iconv -f ${encoding.encoding} -t UTF-8) and import again`;
    yield { broken: { offset: 0, reason, path: [], tail: decodeRefused(bytes, encoding.encoding), tailBytes: totalBytes } };
    return;
  }
  if (encoding.byteOrderMark) yield { note: `UTF-8 byte-order mark (EF BB BF) at the start of the file skipped` };
  let events: ScanEvent[] = [];
  const scanner = new JsonRecordScanner(
    {
      classify,
      value: (found) => events.push({ kind: 'value', found }),
      close: (path) => events.push({ kind: 'close', path }),
    },
    undefined,
    encoding.skip,
  );
  const stream = fs.createReadStream(filePath, { highWaterMark: 1024 * 1024, start: encoding.skip });
  let failure: JsonScanError | null = null;
  try {
    for await (const chunk of stream) {
      try {
        scanner.push(chunk as Buffer);
      } catch (error) {
        if (!(error instanceof JsonScanError)) throw error;
        failure = error;
      }
      if (events.length > 0) {
        yield events;
        events = [];
      }
      onProgress?.({ bytesRead: scanner.bytesScanned, totalBytes });
      if (failure) break;
    }
    if (!failure) {
      try {
        scanner.end();
      } catch (error) {
        if (!(error instanceof JsonScanError)) throw error;
        failure = error;
      }
      if (events.length > 0) yield events;
    }
  } finally {
    stream.destroy();
  }
  if (failure) {
    const offset = failure.truncated ? failure.offset : scanner.breakOffset;
    const tail = await readTail(filePath, offset, totalBytes);
    const reason = failure.truncated
      ? `truncated file: ${failure.message}; ${totalBytes - offset} bytes from byte ${offset} could not be read as records`
      : `unparseable file: ${failure.message} at byte ${failure.offset}; ${totalBytes - offset} bytes from byte ${offset} could not be read as records`;
    yield { broken: { offset, reason, path: scanner.insideRecord ? scanner.currentPath() : [], tail, tailBytes: totalBytes - offset } };
  }
}

async function readTail(filePath: string, offset: number, totalBytes: number): Promise<string> {
  const length = Math.min(MAX_BROKEN_TAIL, Math.max(0, totalBytes - offset));
  return (await readBytes(filePath, offset, length)).toString('utf8');
}

async function readBytes(filePath: string, offset: number, length: number): Promise<Buffer> {
  if (length <= 0) return Buffer.alloc(0);
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
