import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AdminAuditRepository } from '../admin-audit/admin-audit.repository';
import { AdminAuditService } from '../admin-audit/admin-audit.service';
import { AdminRole } from '../admin/entities/admin-user.entity';
import { PasswordHasher } from '../auth/password-hasher';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: npm run admin:create -- --email <email> --role <${Object.values(AdminRole).join('|')}> [--name <name>]
The password is prompted (without echo) on a terminal, otherwise read from ADMIN_PASSWORD.
It is never a command-line argument, so it cannot land in shell history or the process list.`;

const MIN_PASSWORD_LENGTH = 12;

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('no terminal to prompt on: set ADMIN_PASSWORD');
  const password = await promptHidden('Password: ');
  const again = await promptHidden('Repeat password: ');
  if (password !== again) throw new Error('the passwords differ');
  return password;
}

runCli('admin:create', async () => {
  if (process.argv.slice(2).some((arg) => /^--pass(word)?(=|$)/.test(arg))) {
    throw new Error('the password is never an argument: set ADMIN_PASSWORD or run on a terminal to be prompted');
  }
  let values: { email?: string; role?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const email = values.email?.trim().toLowerCase();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    process.stderr.write(`--email must be an email address\n${USAGE}\n`);
    return 2;
  }
  const role = values.role as AdminRole;
  if (!Object.values(AdminRole).includes(role)) {
    process.stderr.write(`--role must be one of ${Object.values(AdminRole).join(', ')}\n${USAGE}\n`);
    return 2;
  }
  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) throw new Error(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (Buffer.byteLength(password, 'utf8') > 72) throw new Error('the password must be at most 72 bytes (bcrypt ignores the rest)');
  const passwordHash = await new PasswordHasher().hash(password);

  const context = await openCliContext();
  try {
    const id = await context.dataSource.transaction(async (manager) => {
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO admin_users (email, name, role, password_hash, active) VALUES ($1, $2, $3, $4, true)
         ON CONFLICT (email) DO NOTHING RETURNING id`,
        [email, values.name ?? null, role, passwordHash],
      );
      if (rows.length === 0) throw new Error(`an admin with email ${email} already exists`);
      // No admin is signed in on the command line: the entry names the new admin, created through the CLI.
      await new AdminAuditService(new AdminAuditRepository()).record(manager, {
        adminId: rows[0].id,
        action: 'admin.create',
        targetType: 'admin_user',
        targetId: rows[0].id,
        details: { role, via: 'cli' },
      });
      return rows[0].id;
    });
    process.stdout.write(`Created admin ${email} (${role}) with id ${id}\n`);
  } finally {
    await context.close();
  }
  return 0;
});
