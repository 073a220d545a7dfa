import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventLogHealthIndicator } from './event-log.health';
import { HealthController } from './health.controller';

/** GET /health on every HTTP process of the platform, whichever features it serves: whether the touchpoint log answers. */
@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [EventLogHealthIndicator],
})
export class HealthModule {}
