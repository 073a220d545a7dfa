import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { StoreHealthIndicator } from './store.health';
import { HealthController } from './health.controller';

/** GET /health on every HTTP process of the platform, whichever features it serves: whether the touchpoint log and the database answer. */
@Module({
  // Terminus logs each failed probe as an ERROR with its stack (720 lines an hour under a probe every 5 s); the controller logs changes instead.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [StoreHealthIndicator],
})
export class HealthModule {}
