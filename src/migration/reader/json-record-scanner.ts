/** One step of a path into a JSON document: an object key or an array index. */
export type PathSegment = string | number;

/** What to do with the value found at a path: walk into it, hand it over whole, or pass over it. */
export type Classification = 'descend' | 'record' | 'skip';

export interface ScannedValue {
  path: PathSegment[];
  /** The value's exact bytes in the file (empty when it was larger than the limit). */
  raw: Buffer;
  start: number;
  end: number;
  oversize: boolean;
}

export interface ScannerHandlers {
  classify(path: PathSegment[]): Classification;
  value(found: ScannedValue): void;
  /** A container the scanner walked into has ended. */
  close?(path: PathSegment[]): void;
}

/** The file stops being JSON at `offset` (`truncated` when it simply ends too early). */
export class JsonScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

const enum State {
  RootValue,
  RootDone,
  ObjectKeyOrEnd,
  ObjectKey,
  ObjectInKey,
  ObjectColon,
  ObjectValue,
  ObjectCommaOrEnd,
  ArrayValueOrEnd,
  ArrayValue,
  ArrayCommaOrEnd,
}

const enum Mode {
  Structure,
  Container,
  String,
  Bare,
}

interface Frame {
  object: boolean;
  key: string | null;
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * A byte-level walk over a JSON file, fed chunk by chunk: it finds where each record starts and
 * ends (exact byte offsets and original text, for quarantine) without building the document.
 * Only the records are parsed (by stream-json), one at a time, so memory stays bounded by the
 * largest record whatever the file size. Upper levels are checked strictly enough to stay in step;
 * records themselves are checked by the parser.
 */
export class JsonRecordScanner {
  private offset = 0;
  private state = State.RootValue;
  private mode = Mode.Structure;
  private readonly frames: Frame[] = [];
  private depth = 0;
  private inString = false;
  private escape = false;
  private capturing = false;
  private captureStart = 0;
  private captureSize = 0;
  private captureParts: Buffer[] = [];
  private oversize = false;
  private keyParts: Buffer[] = [];
  private keyStart = 0;
  private lastSafe = 0;

  constructor(
    private readonly handlers: ScannerHandlers,
    private readonly maxRecordBytes = 64 * 1024 * 1024,
    /** Bytes before the document (a byte-order mark): offsets stay the file's own. */
    private readonly startOffset = 0,
  ) {
    this.offset = startOffset;
    this.lastSafe = startOffset;
  }

  get bytesScanned(): number {
    return this.offset;
  }

  /** Where a broken file stops being usable: the start of the unfinished record, else the end of the last good one. */
  get breakOffset(): number {
    return this.mode !== Mode.Structure && this.capturing ? this.captureStart : this.lastSafe;
  }

  /** True while inside a record (so `currentPath()` names it). */
  get insideRecord(): boolean {
    return this.mode !== Mode.Structure && this.capturing;
  }

  /** The path of the value being read (for a broken record: its key, when known). */
  currentPath(): PathSegment[] {
    return this.path();
  }

  push(chunk: Buffer): void {
    const base = this.offset;
    const n = chunk.length;
    let i = 0;
    let partStart = this.mode !== Mode.Structure ? 0 : -1;
    while (i < n) {
      if (this.mode !== Mode.Structure) {
        const end = this.scanValue(chunk, i);
        if (end < 0) {
          break;
        }
        this.finishValue(chunk, partStart, end, base + end);
        partStart = -1;
        i = end;
        continue;
      }
      const c = chunk[i];
      if (this.state === State.ObjectInKey) {
        const end = this.scanKey(chunk, i);
        if (end < 0) {
          this.keyParts.push(chunk.subarray(i));
          if (base + n - this.keyStart > 1024 * 1024) throw new JsonScanError('an object key is longer than 1 MiB', base + i, false);
          break;
        }
        this.keyParts.push(chunk.subarray(i, end - 1));
        const text = Buffer.concat(this.keyParts).toString('utf8');
        this.keyParts = [];
        let key: string;
        try {
          key = JSON.parse(`"${text}"`) as string;
        } catch {
          throw new JsonScanError('an object key is not a valid JSON string', this.keyStart, false);
        }
        this.frames[this.frames.length - 1].key = key;
        this.state = State.ObjectColon;
        i = end;
        continue;
      }
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case State.RootValue:
        case State.ObjectValue:
        case State.ArrayValueOrEnd:
        case State.ArrayValue:
          if (this.state === State.ArrayValueOrEnd && c === CLOSE_BRACKET) {
            this.closeFrame(base + i + 1);
            i++;
            break;
          }
          if (this.startValue(c, base + i)) partStart = i;
          // A container value walked into, or a value being read: the next byte is its first inside.
          if ((this.mode as Mode) === Mode.Bare) {
            partStart = i;
            break;
          }
          i++;
          break;
        case State.RootDone:
          throw new JsonScanError(`unexpected '${String.fromCharCode(c)}' after the end of the document`, base + i, false);
        case State.ObjectKeyOrEnd:
        case State.ObjectKey:
          if (c === QUOTE) {
            this.state = State.ObjectInKey;
            this.keyStart = base + i;
            i++;
          } else if (c === CLOSE_BRACE && this.state === State.ObjectKeyOrEnd) {
            this.closeFrame(base + i + 1);
            i++;
          } else {
            throw new JsonScanError(`expected an object key, found '${String.fromCharCode(c)}'`, base + i, false);
          }
          break;
        case State.ObjectColon:
          if (c !== COLON) throw new JsonScanError(`expected ':', found '${String.fromCharCode(c)}'`, base + i, false);
          this.state = State.ObjectValue;
          i++;
          break;
        case State.ObjectCommaOrEnd:
        case State.ArrayCommaOrEnd: {
          const object = this.state === State.ObjectCommaOrEnd;
          if (c === COMMA) {
            if (object) {
              this.state = State.ObjectKey;
            } else {
              this.frames[this.frames.length - 1].index++;
              this.state = State.ArrayValue;
            }
          } else if (c === (object ? CLOSE_BRACE : CLOSE_BRACKET)) {
            this.closeFrame(base + i + 1);
          } else {
            throw new JsonScanError(`expected ',' or '${object ? '}' : ']'}', found '${String.fromCharCode(c)}'`, base + i, false);
          }
          i++;
          break;
        }
        default:
          throw new JsonScanError('unexpected byte', base + i, false);
      }
    }
    if (this.mode !== Mode.Structure && this.capturing && !this.oversize && partStart >= 0) {
      this.keepPart(chunk.subarray(partStart, n));
    }
    this.offset = base + n;
  }

  /** Call at the end of the file. */
  end(): void {
    if (this.mode === Mode.Bare) this.finishValue(Buffer.alloc(0), 0, 0, this.offset);
    if (this.state !== State.RootDone || this.mode !== Mode.Structure) {
      throw new JsonScanError(
        this.offset === this.startOffset ? 'the file is empty' : 'the file ends before the JSON document is complete (truncated)',
        this.breakOffset,
        true,
      );
    }
  }

  private path(): PathSegment[] {
    const path: PathSegment[] = [];
    for (const frame of this.frames) path.push(frame.object ? (frame.key as string) : frame.index);
    return path;
  }

  /** Returns true when a value to capture begins at this byte. */
  private startValue(c: number, absolute: number): boolean {
    const path = this.path();
    const what = this.handlers.classify(path);
    const container = c === OPEN_BRACE || c === OPEN_BRACKET;
    if (what === 'descend' && container) {
      this.frames.push({ object: c === OPEN_BRACE, key: null, index: 0 });
      this.state = c === OPEN_BRACE ? State.ObjectKeyOrEnd : State.ArrayValueOrEnd;
      return false;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA || c === COLON) {
      throw new JsonScanError(`expected a value, found '${String.fromCharCode(c)}'`, absolute, false);
    }
    this.capturing = what !== 'skip';
    this.captureStart = absolute;
    this.captureSize = 0;
    this.captureParts = [];
    this.oversize = false;
    this.inString = false;
    this.escape = false;
    if (container) {
      this.mode = Mode.Container;
      this.depth = 1;
    } else if (c === QUOTE) {
      this.mode = Mode.String;
    } else {
      this.mode = Mode.Bare;
    }
    return this.mode !== Mode.Bare;
  }

  /** Index just after the value's last byte, or -1 when the value goes on past this chunk. */
  private scanValue(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    if (this.mode === Mode.Bare) {
      for (; i < n; i++) {
        const c = chunk[i];
        if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) return i;
      }
      return -1;
    }
    let inString = this.mode === Mode.String ? true : this.inString;
    let escape = this.escape;
    let depth = this.depth;
    for (; i < n; i++) {
      const c = chunk[i];
      if (inString) {
        if (escape) escape = false;
        else if (c === BACKSLASH) escape = true;
        else if (c === QUOTE) {
          inString = false;
          if (this.mode === Mode.String) {
            this.escape = false;
            return i + 1;
          }
        }
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.depth = 0;
          this.inString = false;
          this.escape = false;
          return i + 1;
        }
      }
    }
    this.inString = inString;
    this.escape = escape;
    this.depth = depth;
    return -1;
  }

  /** Index just after the closing quote of a key, or -1. */
  private scanKey(chunk: Buffer, from: number): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.escape) this.escape = false;
      else if (c === BACKSLASH) this.escape = true;
      else if (c === QUOTE) return i + 1;
    }
    return -1;
  }

  private keepPart(part: Buffer): void {
    this.captureSize += part.length;
    if (this.captureSize > this.maxRecordBytes) {
      this.oversize = true;
      this.captureParts = [];
    } else {
      // Copy: the read stream's chunk must not be pinned by a small record.
      this.captureParts.push(Buffer.from(part));
    }
  }

  private finishValue(chunk: Buffer, partStart: number, end: number, absoluteEnd: number): void {
    const wasCapturing = this.capturing;
    if (wasCapturing && !this.oversize) this.keepPart(chunk.subarray(partStart < 0 ? 0 : partStart, end));
    const raw = this.oversize || !wasCapturing ? Buffer.alloc(0) : Buffer.concat(this.captureParts);
    const found: ScannedValue = { path: this.path(), raw, start: this.captureStart, end: absoluteEnd, oversize: this.oversize };
    this.mode = Mode.Structure;
    this.capturing = false;
    this.captureParts = [];
    this.afterValue(absoluteEnd);
    if (wasCapturing) this.handlers.value(found);
  }

  private afterValue(absoluteEnd: number): void {
    this.lastSafe = absoluteEnd;
    const frame = this.frames[this.frames.length - 1];
    if (!frame) this.state = State.RootDone;
    else this.state = frame.object ? State.ObjectCommaOrEnd : State.ArrayCommaOrEnd;
  }

  private closeFrame(absoluteEnd: number): void {
    const path = this.path();
    this.frames.pop();
    // The container's own path, without the index/key of the member last read.
    path.pop();
    this.afterValue(absoluteEnd);
    this.handlers.close?.(path);
  }
}
