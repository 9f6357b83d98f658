import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app.config';
import type { BackgroundWriter } from '../logs/background-writer';
import type { MetricsService } from '../metrics/metrics.service';
import { ApiUsageBuffer } from './api-usage.buffer';

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
