import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../config/app.config';
import type { AppConfig } from '../../config/app.config';
import { checkWithTimeout } from './with-timeout';

/** The nearest folder that exists (the backup folder may not be created yet). */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  return current;
}

/** Used share of the file system holding `dir` (statfs), against HEALTH_DISK_MAX_USED_PERCENT. */
@Injectable()
export class DiskSpaceIndicator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  /** The database's data folder when it is on this machine (embedded, or a local server that tells us). */
  async dataDir(): Promise<string | undefined> {
    if (!this.config.database.url) return this.config.database.embeddedDataDir;
    const rows = (await this.dataSource.query(`SELECT current_setting('data_directory', true) AS dir`).catch(() => [])) as {
      dir: string | null;
    }[];
    const dir = rows[0]?.dir;
    return dir && fs.existsSync(dir) ? dir : undefined;
  }

  check<Key extends string>(key: Key, dir: () => Promise<string | undefined> | string | undefined) {
    const session = this.indicators.check(key);
    return checkWithTimeout(session, this.config.monitoring.healthCheckTimeoutMs, async () => {
      const target = await dir();
      if (!target) return session.up({ message: 'not on this machine' });
      const stats = await fs.promises.statfs(existingAncestor(target));
      const usedPercent = Number((100 * (1 - stats.bavail / stats.blocks)).toFixed(2));
      const freeBytes = stats.bavail * stats.bsize;
      const data = { path: target, usedPercent, freeBytes, maxUsedPercent: this.config.monitoring.diskMaxUsedPercent };
      return usedPercent > this.config.monitoring.diskMaxUsedPercent
        ? session.down({ ...data, message: `disk ${usedPercent}% used, above ${this.config.monitoring.diskMaxUsedPercent}%` })
        : session.up(data);
    });
  }
}
