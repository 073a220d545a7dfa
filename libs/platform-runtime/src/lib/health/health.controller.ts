import { Controller, Get, HttpException, Logger } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { StoreHealthIndicator } from './store.health';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly stores: StoreHealthIndicator,
  ) {}

  private readonly logger = new Logger('health');
  /** The stores the last probe found down, to log a change once rather than every probe. */
  private down = '';

  @Get()
  @HealthCheck()
  async check() {
    const dataFolder = this.stores.dataFolder();
    try {
      const result = await this.health.check([() => this.stores.touchpointLog(), () => this.stores.database(), ...(dataFolder ? [() => dataFolder] : [])]);
      this.changed('', '');
      return result;
    } catch (error) {
      const answer = error instanceof HttpException ? (error.getResponse() as { error?: Record<string, { reason?: string }> }) : {};
      const failures = answer.error ?? {};
      this.changed(Object.keys(failures).sort().join(', '), Object.entries(failures).map(([store, { reason }]) => `${store}: ${reason ?? 'down'}`).join('; '));
      throw error;
    }
  }

  /** Logs when the stores down change, by name: their reasons change with every probe (the free space, a timeout or a refusal). */
  private changed(down: string, reasons: string): void {
    if (down === this.down) return;
    if (down !== '') this.logger.warn(`GET /health answers 503: ${reasons}`);
    else this.logger.log('GET /health answers 200 again: every store answers');
    this.down = down;
  }
}
