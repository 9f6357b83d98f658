import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TypeormJsonLogger } from '../../database/typeorm-logger';
import { BackgroundWriter } from '../logs/background-writer';
import { MetricsService } from '../metrics/metrics.service';

const SYSTEM_LOG_INSERT = 'INSERT INTO system_logs';

/**
 * Every query slower than DB_SLOW_QUERY_MS (TypeORM's maxQueryExecutionTime) is already logged
 * by TypeormJsonLogger; this also counts it and writes it to system_logs (category slow_query),
 * which database-health and performance-metrics read.
 */
@Injectable()
export class SlowQueryRecorder implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => void;
  private pendingWrites = new Set<Promise<unknown>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: BackgroundWriter,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const logger = this.dataSource.logger;
    if (logger instanceof TypeormJsonLogger) this.unsubscribe = logger.onSlowQuery((ms, query) => this.record(ms, query));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    await this.settled();
  }

  /** Resolves once every system_logs write started so far has finished. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pendingWrites]);
  }

  record(durationMs: number, query: string): void {
    this.metrics.slowQueries.inc();
    // Never log our own log write (a slow insert must not feed itself).
    if (query.startsWith(SYSTEM_LOG_INSERT) || !this.writer.isOpen) return;
    const write = this.writer
      .query(`${SYSTEM_LOG_INSERT} (level, category, message, details) VALUES ('warn', 'slow_query', $1, $2)`, [
        `Slow query (${Math.round(durationMs)} ms)`,
        { durationMs, query },
      ])
      .catch(() => undefined)
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }
}
