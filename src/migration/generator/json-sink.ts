import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';

const CHUNK = 1 << 20;

/**
 * An append-only text file written in ~1 MB chunks that waits for the stream to drain
 * (backpressure), so writing a multi-GB file keeps memory bounded.
 */
export class TextSink {
  private readonly stream: WriteStream;
  private buffer = '';
  private failure: Error | null = null;
  bytes = 0;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: CHUNK });
    this.stream.on('error', (error) => (this.failure = error));
  }

  /** Appends text; returns a promise only when the chunk was handed over (await it). */
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.buffer) return;
    const chunk = this.buffer;
    this.buffer = '';
    this.bytes += Buffer.byteLength(chunk);
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
  }
}
