import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StoreHealthIndicator } from './store.health';
import { HealthController } from './health.controller';

/** GET /health on every HTTP process of the platform, whichever features it serves: whether the touchpoint log and the database answer. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [StoreHealthIndicator],
})
export class HealthModule {}
