import type { LoggerService } from '@nestjs/common';
import { classifyDatabaseError } from '../common/database/database-outage';
import { AbstractLogger, LogLevel, LogMessage, QueryRunner } from 'typeorm';

const MAX_QUERY_TEXT = 2_000;

export type SlowQueryListener = (durationMs: number, query: string) => void;

/** Routes TypeORM's own messages (pool errors, slow queries, migrations) into the app's JSON log. Never logs parameters. */
export class TypeormJsonLogger extends AbstractLogger {
  constructor(private readonly logger: LoggerService) {
    super(['error', 'warn', 'migration', 'schema']);
  }

  private readonly slowQueryListeners = new Set<SlowQueryListener>();

  /** Called for every query slower than DB_SLOW_QUERY_MS (src/system records them in system_logs); returns the unsubscribe. */
  onSlowQuery(listener: SlowQueryListener): () => void {
    this.slowQueryListeners.add(listener);
    return () => this.slowQueryListeners.delete(listener);
  }

  override logQuerySlow(time: number, query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.logger.warn({ message: 'Slow query', durationMs: time, query: query.slice(0, MAX_QUERY_TEXT) }, 'Database');
    for (const listener of this.slowQueryListeners) listener(time, query.slice(0, MAX_QUERY_TEXT));
  }

  override logQueryError(error: string | Error, query: string): void {
    // An outage is logged once by DatabaseOutageMonitor, not once per failed query.
    if (classifyDatabaseError(error) === 'unavailable') return;
    const message = error instanceof Error ? error.message : error;
    this.logger.warn({ message: `Query failed: ${message}`, query: query.slice(0, MAX_QUERY_TEXT) }, 'Database');
  }

  protected writeLog(level: LogLevel, logMessage: LogMessage | string | number | (LogMessage | string | number)[]): void {
    for (const { type, message } of this.prepareLogMessages(logMessage, { highlightSql: false })) {
      const text = typeof message === 'string' ? message : String(message);
      if (level === 'error' || type === 'error') this.logger.error(text, 'TypeORM');
      else if (level === 'warn' || type === 'warn') this.logger.warn(text, 'TypeORM');
      else this.logger.log(text, 'TypeORM');
    }
  }
}
