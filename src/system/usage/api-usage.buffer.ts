import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { copyField } from '../../common/database/copy-text';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { BackgroundWriter } from '../logs/background-writer';
import { MetricsService } from '../metrics/metrics.service';

export interface ApiUsageEntry {
  method: string;
  route: string;
  statusCode: number;
  durationMs: number;
  userId: string | null;
  adminUserId: string | null;
  ip: string | null;
  createdAt: Date;
}

/** One api_usage_logs row in COPY's text format. */
function copyLine(e: ApiUsageEntry): string {
  const ip = e.ip === null ? null : e.ip.slice(0, 64);
  return `${copyField(e.method)}\t${copyField(e.route.slice(0, 255))}\t${e.statusCode}\t${e.durationMs}\t${copyField(e.userId)}\t${copyField(e.adminUserId)}\t${copyField(ip)}\t${e.createdAt.toISOString()}\n`;
}

/** Cap on what waits in memory while the database is unreachable; older entries are dropped first. */
const MAX_BUFFERED = 50_000;

/**
 * Collects one entry per API request in memory and writes them to api_usage_logs in one
 * COPY every API_USAGE_FLUSH_MS or API_USAGE_BATCH_SIZE entries, and on shutdown.
 * Requests only push to an array: they never wait on the database, and the writes use a
 * connection of their own (BackgroundWriter), never one of the request pool.
 */
@Injectable()
export class ApiUsageBuffer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApiUsage');
  private entries: ApiUsageEntry[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<number> = Promise.resolve(0);
  /** A flush for a full batch is already waiting its turn: one is enough. */
  private batchFlushQueued = false;
  /** While writes fail (the database is down): when it began and how many rows were dropped since. */
  private failingSince?: number;
  private droppedWhileFailing = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly writer: BackgroundWriter,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.monitoring.apiUsageFlushMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // Requests still finishing may record while the last rows are written.
    while (this.entries.length > 0 && this.writer.isOpen) {
      if ((await this.flush()) === 0) break;
    }
  }

  get pending(): number {
    return this.entries.length;
  }

  record(entry: ApiUsageEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_BUFFERED) {
      const dropped = this.entries.splice(0, this.entries.length - MAX_BUFFERED);
      this.metrics.usageLogRows.inc({ result: 'dropped' }, dropped.length);
    }
    if (this.entries.length >= this.config.monitoring.apiUsageBatchSize && !this.batchFlushQueued) {
      this.batchFlushQueued = true;
      void this.flush();
    }
  }

  /**
   * Writes what is buffered when the flush starts (flushes are serialised); entries recorded
   * meanwhile wait for the next one, so steady traffic makes full batches rather than a stream
   * of tiny COPYs. Resolves with the rows written.
   */
  flush(): Promise<number> {
    this.flushing = this.flushing.then(() => this.writeBatches());
    return this.flushing;
  }

  private async writeBatches(): Promise<number> {
    this.batchFlushQueued = false;
    let written = 0;
    let due = this.entries.length;
    while (due > 0 && this.writer.isOpen) {
      const batch = this.entries.splice(0, Math.min(due, this.config.monitoring.apiUsageBatchSize));
      if (batch.length === 0) break;
      due -= batch.length;
      try {
        await this.writer.copy(
          'COPY api_usage_logs (method, route, status_code, duration_ms, user_id, admin_user_id, ip, created_at) FROM STDIN',
          batch.map(copyLine).join(''),
        );
        written += batch.length;
        this.metrics.usageLogRows.inc({ result: 'written' }, batch.length);
        this.writesResumed();
      } catch (error) {
        // Usage logs are not worth retrying forever: count the loss and move on.
        this.metrics.usageLogRows.inc({ result: 'dropped' }, batch.length);
        this.writeFailed(batch.length, error);
        break;
      }
    }
    return written;
  }

  /** Logged once when writes start failing (an outage flushes every second), not once per flush. */
  private writeFailed(rows: number, error: unknown): void {
    this.droppedWhileFailing += rows;
    if (this.failingSince !== undefined) return;
    this.failingSince = Date.now();
    this.logger.warn(`Could not write api_usage_logs (${(error as Error).message}); dropping usage rows until it can, counting them`);
  }

  /** Logged once when writes work again, with what was lost meanwhile. */
  private writesResumed(): void {
    if (this.failingSince === undefined) return;
    const seconds = ((Date.now() - this.failingSince) / 1000).toFixed(1);
    this.logger.warn(`api_usage_logs written again after ${seconds} s; ${this.droppedWhileFailing} usage row(s) were dropped meanwhile`);
    this.failingSince = undefined;
    this.droppedWhileFailing = 0;
  }
}
