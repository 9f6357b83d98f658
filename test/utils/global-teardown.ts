import * as fs from 'node:fs';

export default async function globalTeardown() {
  await globalThis.__PEND_TEST_POSTGRES__?.stop();
  const dir = process.env.PEND_TEST_SERVER_DIR;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  const observed = process.env.PEND_CONTRACT_OBSERVED_DIR;
  if (observed) fs.rmSync(observed, { recursive: true, force: true });
}
