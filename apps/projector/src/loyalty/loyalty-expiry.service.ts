import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { expireDuePoints, LOYALTY_PROJECTION, LoyaltyAccounts, LoyaltyQueries } from '@cdp/loyalty-accounts';
import { CLOCK, SETTINGS, type Clock, type Settings } from '@cdp/platform-runtime';
import { ProjectionsService } from '../projections/projections.service';

/**
 * Expires the points whose lots have reached their expiry, every CDP_LOYALTY_EXPIRY_EVERY_SECONDS,
 * in the process that runs the `loyalty` projection: one process's clock decides, not the fastest
 * of them, and the others do not race it for the same accounts.
 */
@Injectable()
export class LoyaltyExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('loyalty-expiry');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly accounts: LoyaltyAccounts,
    private readonly queries: LoyaltyQueries,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly projections: ProjectionsService,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = this.settings.loyalty.expiryEverySeconds * 1000;
    const turn = () => {
      if (!this.projections.runsHere(LOYALTY_PROJECTION)) return;
      this.expireNow().catch((error: Error) => this.logger.warn(`expiry failed: ${error.message}; trying again next round`));
    };
    if (everyMs > 0) this.timer = setInterval(turn, everyMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Expires what is due at the clock's now; a round already under way is joined, not repeated. */
  expireNow(): Promise<number> {
    this.running ??= expireDuePoints(this.accounts, this.queries, this.clock.now()).finally(() => (this.running = undefined));
    return this.running;
  }
}
