import { Logger, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckService } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import type { StoreHealthIndicator } from './store.health';

describe('GET /health', () => {
  it('logs when the stores down change, not at each probe, though their reasons do', async () => {
    const outcomes: (Record<string, { status: string; reason: string }> | undefined)[] = [
      { dataFolder: { status: 'down', reason: '40 MiB free' } },
      { dataFolder: { status: 'down', reason: '39 MiB free' } },
      { dataFolder: { status: 'down', reason: '38 MiB free' }, database: { status: 'down', reason: 'ECONNREFUSED' } },
      undefined,
      undefined,
    ];
    let probe = 0;
    const health = {
      check: async () => {
        const error = outcomes[probe++];
        if (error) throw new ServiceUnavailableException({ status: 'error', info: {}, error, details: error });
        return { status: 'ok' };
      },
    } as unknown as HealthCheckService;
    const stores = { touchpointLog: jest.fn(), database: jest.fn(), dataFolder: () => undefined } as unknown as StoreHealthIndicator;
    const logged: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => void logged.push(`WARN ${String(message)}`));
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation((message) => void logged.push(`LOG ${String(message)}`));
    try {
      const controller = new HealthController(health, stores);
      for (let i = 0; i < outcomes.length; i++) await controller.check().catch(() => undefined);
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
    expect(logged).toEqual([
      'WARN GET /health answers 503: dataFolder: 40 MiB free',
      'WARN GET /health answers 503: dataFolder: 38 MiB free; database: ECONNREFUSED',
      'LOG GET /health answers 200 again: every store answers',
    ]);
  });
});
