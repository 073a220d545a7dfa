import { Controller, Get } from '@nestjs/common';
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

  @Get()
  @HealthCheck()
  check() {
    const dataFolder = this.stores.dataFolder();
    return this.health.check([() => this.stores.touchpointLog(), () => this.stores.database(), ...(dataFolder ? [() => dataFolder] : [])]);
  }
}
