import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { buildDataSourceOptions } from './data-source';

/**
 * The database for work that needs a session of its own: session advisory locks (migrations,
 * backups, the rollup fold, retention), LISTEN/NOTIFY, pg_export_snapshot, pg_dump. Behind a
 * transaction pooler (PgBouncer, pool_mode=transaction) consecutive statements of one "session"
 * may run on different server connections, so such work goes to DATABASE_DIRECT_URL over a small
 * pool of its own. Without DATABASE_DIRECT_URL, DATABASE_URL is direct and this is the app's DataSource.
 */
@Injectable()
export class SessionDatabase implements OnApplicationShutdown {
  constructor(
    readonly dataSource: DataSource,
    private readonly owned: boolean,
  ) {}

  /** The direct URL (for pg_dump, LISTEN clients). */
  get url(): string {
    return (this.dataSource.options as { url: string }).url;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.owned && this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Session work's pool: a few connections; it never serves requests. */
const SESSION_POOL_MAX = 4;

export async function openSessionDatabase(config: AppConfig, dataSource: DataSource): Promise<SessionDatabase> {
  const directUrl = config.database.directUrl;
  if (!directUrl || directUrl === (dataSource.options as { url?: string }).url) return new SessionDatabase(dataSource, false);
  const base = buildDataSourceOptions(config, directUrl, { logger: dataSource.logger });
  const direct = new DataSource({
    ...base,
    extra: { ...(base.extra as object), max: SESSION_POOL_MAX, application_name: 'pend-backend-session' },
  } as typeof base);
  await direct.initialize();
  return new SessionDatabase(direct, true);
}

@Global()
@Module({
  providers: [
    {
      provide: SessionDatabase,
      inject: [APP_CONFIG, getDataSourceToken()],
      useFactory: (config: AppConfig, dataSource: DataSource) => openSessionDatabase(config, dataSource),
    },
  ],
  exports: [SessionDatabase],
})
export class SessionDatabaseModule {}
