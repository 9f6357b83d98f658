import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { ImportProgress } from '../migration/import/legacy-importer';

/** A bar per file on a terminal (bytes, records/s, ETA); plain log lines otherwise. */
export class ImportProgressView {
  private readonly tty: boolean;
  private readonly started = Date.now();
  private multi: MultiBar | null = null;
  private bar: SingleBar | null = null;
  private lastLine = 0;

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {
    this.tty = !!out.isTTY;
  }

  update(progress: ImportProgress): void {
    const rate = Math.round((progress.records * 1000) / Math.max(1, Date.now() - this.started));
    const label = `${progress.file} (${progress.pass})`;
    if (this.tty) {
      if (progress.event === 'start') {
        this.multi ??= new MultiBar(
          {
            format: '{label} |{bar}| {percentage}% {mb}/{totalMb} MB | {records} records, {rate} rec/s | ETA {eta_formatted}',
            hideCursor: true,
            stream: this.out,
          },
          Presets.shades_classic,
        );
        this.bar = this.multi.create(Math.max(1, progress.totalBytes), 0, this.payload(label, progress, rate));
      } else {
        this.bar?.update(progress.bytesRead, this.payload(label, progress, rate));
      }
      return;
    }
    const now = Date.now();
    if (progress.event === 'progress' && now - this.lastLine < 2000) return;
    if (progress.event === 'start') return;
    this.lastLine = now;
    const percent = progress.totalBytes > 0 ? Math.floor((progress.bytesRead * 100) / progress.totalBytes) : 100;
    this.out.write(
      `[migrate:json] ${label}: ${percent}% of ${progress.totalBytes} bytes, ${progress.records} records so far, ${rate} records/s\n`,
    );
  }

  stop(): void {
    this.multi?.stop();
    this.multi = null;
  }

  private payload(label: string, progress: ImportProgress, rate: number) {
    return {
      label,
      mb: (progress.bytesRead / 1048576).toFixed(1),
      totalMb: (progress.totalBytes / 1048576).toFixed(1),
      records: progress.records,
      rate,
    };
  }
}
