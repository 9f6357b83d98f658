// The DataSource the TypeORM CLI uses. Options are built in src/database/data-source.ts,
// shared with the app. `npm run migration:*` sets DATABASE_URL (starting the embedded
// server when none is configured) before the CLI loads this file.
import 'reflect-metadata';
import { loadAppConfig } from './src/config/app.config';
import { createDataSource } from './src/database/data-source';

const config = loadAppConfig();
if (!config.database.url) {
  throw new Error('DATABASE_URL is not set: run the TypeORM CLI through `npm run migration:*`, which provides it.');
}

export default createDataSource(config, config.database.url);
