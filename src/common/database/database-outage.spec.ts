import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { classifyDatabaseError, DatabaseOutageMonitor } from './database-outage';

describe('classifyDatabaseError', () => {
  it('a transaction whose connection was lost between two queries is an outage, not a bug (was: 500)', () => {
    // TypeORM releases the runner when its connection errors (a postmaster killed mid-transaction).
    expect(classifyDatabaseError(new QueryRunnerProviderAlreadyReleasedError())).toBe('unavailable');
  });

  it('a COMMIT on a runner released because its connection died is an outage too (was: 500 in the postmaster-kill fault test)', () => {
    expect(classifyDatabaseError(new QueryRunnerAlreadyReleasedError())).toBe('unavailable');
  });

  it('a refused connection is an outage; a constraint violation is the request’s', () => {
    expect(classifyDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'unavailable',
    );
    expect(classifyDatabaseError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
  });
});

describe('DatabaseOutageMonitor', () => {
  function monitorAt(clock: { t: number }) {
    const lines: string[] = [];
    const logger = { log: () => {}, warn: (m: string) => lines.push(`warn ${m}`), error: (m: string) => lines.push(`error ${m}`) };
    return { lines, monitor: new DatabaseOutageMonitor(logger, 2_000, () => clock.t) };
  }

  it('a late answer to a query sent before the outage began does not end it (was: logged as ended, then started again)', () => {
    const clock = { t: 1_000 };
    const { lines, monitor } = monitorAt(clock);
    clock.t = 2_000;
    monitor.failed('Connection terminated due to connection timeout');
    clock.t = 2_500;
    monitor.succeeded(1_900); // sent before the stall, answered after it was noticed
    monitor.failed('Connection terminated due to connection timeout');
    expect(monitor.inOutage).toBe(true);
    clock.t = 9_000;
    monitor.succeeded(8_900); // sent during the outage: the database answers again
    expect(monitor.inOutage).toBe(false);
    expect(lines.map((l) => l.split(' (')[0].split(' after')[0])).toEqual(['error Database unavailable', 'warn Database available again']);
  });
});
