import { startEmbeddedPostgres } from '../database/embedded-postgres';

/**
 * Runs an embedded PostgreSQL 15 in the foreground until SIGINT/SIGTERM:
 *   node dist/src/cli/postgres-server.cli.js <dataDir> <port> [database]
 * Prints one JSON line `{"url": …}` once it accepts connections. The tests start
 * their throwaway servers through this, and developers can use it as a local server.
 * With WAL_ARCHIVE_DIR set it archives its WAL there (every WAL_ARCHIVE_TIMEOUT_SECONDS, default 60).
 */
async function main() {
  const [dataDir, port, database = 'postgres'] = process.argv.slice(2);
  if (!dataDir || !port) {
    process.stderr.write('Usage: postgres-server.cli.js <dataDir> <port> [database]\n');
    process.exit(2);
  }
  const archiveDir = process.env.WAL_ARCHIVE_DIR;
  const server = await startEmbeddedPostgres({
    dataDir,
    port: Number(port),
    database,
    stopOnSignals: false,
    walArchive: archiveDir ? { dir: archiveDir, timeoutSeconds: Number(process.env.WAL_ARCHIVE_TIMEOUT_SECONDS ?? 60) } : undefined,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => {
    void server.stop().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Stop with the parent: a test runner that dies must not leave servers behind.
  process.stdin.on('end', stop);
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`postgres-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
