import { QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { classifyDatabaseError } from './database-outage';

describe('classifyDatabaseError', () => {
  it('a transaction whose connection was lost between two queries is an outage, not a bug (was: 500)', () => {
    // TypeORM releases the runner when its connection errors (a postmaster killed mid-transaction).
    expect(classifyDatabaseError(new QueryRunnerProviderAlreadyReleasedError())).toBe('unavailable');
  });

  it('a refused connection is an outage; a constraint violation is the request’s', () => {
    expect(classifyDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(
      'unavailable',
    );
    expect(classifyDatabaseError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
  });
});
