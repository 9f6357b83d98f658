import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BUILD_STEP = 'npm run build --silent && ';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs an npm script's own command line (from package.json, so its flags such as the importer's
 * heap cap come along) with `args` appended, as `npm run <script> -- args` would. The script's
 * leading build step is left out: the test run has built dist/ already, and several tsc builds at
 * once on the same dist/ would race.
 */
export function runNpmScript(script: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const command = scripts[script];
  if (command === undefined) throw new Error(`package.json has no script ${script}`);
  const line = command.startsWith(BUILD_STEP) ? command.slice(BUILD_STEP.length) : command;
  if (/[;&|<>$`]/.test(line)) throw new Error(`script ${script} is not a single command: ${line}`);
  const [program, ...fixed] = line.split(/\s+/);
  return new Promise((resolve) => {
    execFile(
      program === 'node' ? process.execPath : program,
      [...fixed, ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
