import type { LoggerService } from '@nestjs/common';
import { loadAppConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source';
import { TypeormJsonLogger } from './typeorm-logger';

function capture(): { lines: string[]; logger: LoggerService } {
  const lines: string[] = [];
  const push = (...args: unknown[]) => lines.push(JSON.stringify(args));
  return { lines, logger: { log: push, warn: push, error: push, debug: push, verbose: push } };
}

describe('TypeormJsonLogger', () => {
  it('logs a slow query with its duration but never its parameters', () => {
    const { lines, logger } = capture();
    new TypeormJsonLogger(logger).logQuerySlow(1500, 'INSERT INTO users (phone_e164) VALUES ($1)', ['+14155550123']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('1500');
    expect(lines[0]).toContain('INSERT INTO users');
    expect(lines[0]).not.toContain('4155550123');
  });

  it('is the default logger of every DataSource built from the shared options', () => {
    const options = buildDataSourceOptions(loadAppConfig({ NODE_ENV: 'test' }), 'postgres://u:p@localhost/db');
    expect(options.logger).toBeInstanceOf(TypeormJsonLogger);
  });
});
