import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app.config';
import type { BackgroundWriter } from '../logs/background-writer';
import type { MetricsService } from '../metrics/metrics.service';
import { ApiUsageBuffer, ApiUsageEntry } from './api-usage.buffer';

/** A writer whose COPYs take as long as the test says: rows per COPY are what the database would see. */
class SlowWriter {
  readonly copies: number[] = [];
  private release: (() => void)[] = [];
  isOpen = true;

  copy(_sql: string, data: string): Promise<void> {
    this.copies.push(data.split('\n').length - 1);
    return new Promise((resolve) => this.release.push(resolve));
  }

  /** Lets the oldest COPY in flight finish, if there is one. */
  finishOne(): void {
    this.release.shift()?.();
  }

  /** Lets COPYs finish, one at a time, until no new one starts. */
  async finishAll(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = this.release.shift();
      if (!next) return;
      next();
    }
  }
}

function entry(i: number): ApiUsageEntry {
  return {
    method: 'GET',
    route: '/api/users/:id',
    statusCode: 200,
    durationMs: i,
    userId: null,
    adminUserId: null,
    ip: '127.0.0.1',
    createdAt: new Date(0),
  };
}

describe('ApiUsageBuffer', () => {
  const config = { monitoring: { apiUsageBatchSize: 100, apiUsageFlushMs: 60_000 } } as AppConfig;
  const metrics = { usageLogRows: { inc: () => undefined } } as unknown as MetricsService;
  let writer: SlowWriter;
  let buffer: ApiUsageBuffer;

  beforeEach(() => {
    writer = new SlowWriter();
    buffer = new ApiUsageBuffer(config, writer as unknown as BackgroundWriter, metrics);
  });

  it('under steady traffic writes full batches, not a tiny COPY for whatever arrived during the last one', async () => {
    let recorded = 0;
    // 1000 requests arrive 10 at a time, and each COPY takes as long as 10 requests do.
    while (recorded < 1000) {
      writer.finishOne();
      for (let k = 0; k < 10; k++) buffer.record(entry(recorded++));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.finishAll();
    expect(writer.copies.every((rows) => rows === 100)).toBe(true);
    expect(writer.copies).toHaveLength(10);
    expect(buffer.pending).toBe(0);
  });

  it('a flush writes what was buffered when it started, in batches; later entries wait for the next flush', async () => {
    for (let i = 0; i < 250; i++) buffer.record(entry(i));
    await writer.finishAll();
    expect(writer.copies).toEqual([100, 100, 50]);
    for (let i = 0; i < 30; i++) buffer.record(entry(i));
    const flushed = buffer.flush();
    await Promise.resolve();
    for (let i = 0; i < 20; i++) buffer.record(entry(i));
    await writer.finishAll();
    await expect(flushed).resolves.toBe(30);
    expect(writer.copies).toEqual([100, 100, 50, 30]);
    expect(buffer.pending).toBe(20);
  });

  it('on shutdown writes everything, including entries recorded while the last rows were written', async () => {
    for (let i = 0; i < 40; i++) buffer.record(entry(i));
    const destroyed = buffer.onModuleDestroy();
    buffer.record(entry(41));
    await writer.finishAll();
    await destroyed;
    expect(writer.copies.reduce((a, b) => a + b, 0)).toBe(41);
    expect(buffer.pending).toBe(0);
  });
});

describe('ApiUsageBuffer during a database outage', () => {
  afterEach(() => jest.restoreAllMocks());

  it('logs one line when writes start failing and one when they work again, not one per flush', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    let down = true;
    const writer = {
      isOpen: true,
      copy: () => (down ? Promise.reject(new Error('Connection terminated unexpectedly')) : Promise.resolve()),
    } as unknown as BackgroundWriter;
    const metrics = { usageLogRows: { inc: () => undefined } } as unknown as MetricsService;
    const config = { monitoring: { apiUsageBatchSize: 100, apiUsageFlushMs: 60_000 } } as unknown as AppConfig;
    const buffer = new ApiUsageBuffer(config, writer, metrics);
    const entry = () => ({
      method: 'GET',
      route: '/api/assets',
      statusCode: 503,
      durationMs: 3,
      userId: null,
      adminUserId: null,
      ip: null,
      createdAt: new Date(),
    });

    for (let flush = 0; flush < 5; flush++) {
      buffer.record(entry());
      buffer.record(entry());
      await buffer.flush();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Could not write api_usage_logs \(Connection terminated unexpectedly\)/);

    down = false;
    buffer.record(entry());
    expect(await buffer.flush()).toBe(1);
    await buffer.flush();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/^api_usage_logs written again after [\d.]+ s; 10 usage row\(s\) were dropped meanwhile$/);
  });
});
