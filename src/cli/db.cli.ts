import 'reflect-metadata';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ensureDatabaseExists } from '../database/database-server';
import { runMigrationsWithLock } from '../database/migration-runner';
import { seedReferenceData } from '../database/seeds/reference-data.seed';
import { loadAppConfig } from '../config/app.config';
import { openCliContext, runCli } from './cli-context';

const USAGE = `Usage: node dist/src/cli/db.cli.js <command>
  migrate            apply pending migrations (advisory-locked)
  revert             revert the last applied migration
  setup              create the database if missing, migrate, seed reference data
  seed               insert the tiers and the permission catalogue (idempotent)
  typeorm <args…>    run the TypeORM CLI against this project's DataSource (dist/ormconfig.js)`;

const ORMCONFIG = path.resolve(__dirname, '..', '..', 'ormconfig.js');

function runTypeormCli(args: string[], databaseUrl: string): Promise<number> {
  const cli = require.resolve('typeorm/cli.js');
  // Commands that take no DataSource (migration:create) must not get -d.
  const needsDataSource = !['migration:create', 'entity:create', 'subscriber:create'].includes(args[0]);
  const fullArgs = needsDataSource ? [...args, '-d', ORMCONFIG] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...fullArgs], {
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl },
      cwd: path.resolve(__dirname, '..', '..', '..'),
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

runCli('db', async () => {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'migrate':
    case 'setup': {
      const config = loadAppConfig();
      if (command === 'setup' && config.database.url && (await ensureDatabaseExists(config.database.url))) {
        process.stdout.write('Created the database\n');
      }
      const context = await openCliContext();
      try {
        const applied = await runMigrationsWithLock(context.dataSource);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'No pending migrations\n');
        if (command === 'setup') {
          const seeded = await seedReferenceData(context.dataSource);
          process.stdout.write(`Seeded ${seeded.tiersInserted} tier(s), ${seeded.permissionsInserted} permission(s)\n`);
        }
      } finally {
        await context.close();
      }
      return 0;
    }
    case 'seed': {
      const context = await openCliContext();
      try {
        const seeded = await seedReferenceData(context.dataSource);
        process.stdout.write(`Seeded ${seeded.tiersInserted} tier(s), ${seeded.permissionsInserted} permission(s)\n`);
      } finally {
        await context.close();
      }
      return 0;
    }
    case 'revert': {
      const context = await openCliContext();
      try {
        await context.dataSource.undoLastMigration({ transaction: 'each' });
        process.stdout.write('Reverted the last migration\n');
      } finally {
        await context.close();
      }
      return 0;
    }
    case 'typeorm': {
      if (rest[0] === 'migration:create') return runTypeormCli(rest, 'postgres://unused@localhost/unused');
      const context = await openCliContext({ connect: false });
      try {
        return await runTypeormCli(rest, context.database.url);
      } finally {
        await context.close();
      }
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
});
