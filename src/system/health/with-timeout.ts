import type { HealthIndicatorResult } from '@nestjs/terminus';

/** What checkWithTimeout needs of Terminus' HealthIndicatorSession. */
interface DownReporter<Key extends string> {
  down(data: { message: string }): HealthIndicatorResult<Key>;
}

/** Runs one indicator's check, answering `down` when it takes longer than `timeoutMs` or throws. */
export async function checkWithTimeout<Key extends string>(
  session: DownReporter<Key>,
  timeoutMs: number,
  check: () => Promise<HealthIndicatorResult<Key>>,
): Promise<HealthIndicatorResult<Key>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<HealthIndicatorResult<Key>>((resolve) => {
    timer = setTimeout(() => resolve(session.down({ message: `timed out after ${timeoutMs} ms` })), timeoutMs);
  });
  try {
    return await Promise.race([check().catch((error: Error) => session.down({ message: error.message })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
