import { startEmbeddedPostgres } from '../database/embedded-postgres';

/**
 * Runs an embedded PostgreSQL 15 in the foreground until SIGINT/SIGTERM:
 *   node dist/src/cli/postgres-server.cli.js <dataDir> <port> [database]
 * Prints one JSON line `{"url": …}` once it accepts connections. The tests start
 * their throwaway servers through this, and developers can use it as a local server.
 */
async function main() {
  const [dataDir, port, database = 'postgres'] = process.argv.slice(2);
  if (!dataDir || !port) {
    process.stderr.write('Usage: postgres-server.cli.js <dataDir> <port> [database]\n');
    process.exit(2);
  }
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), database, stopOnSignals: false });
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
