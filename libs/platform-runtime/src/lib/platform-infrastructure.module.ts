import { Global, Module, type DynamicModule } from '@nestjs/common';
import { LoyaltyAccounts, LoyaltyQueries } from '@cdp/loyalty-accounts';
import { systemClock, type Clock } from './clock.port';
import type { Stores } from './open-stores';
import type { Settings } from './settings';
import { ANALYTICS, CLOCK, CUSTOMER_FEED_LOG, DATA_SOURCE, EVENT_STORE, SCHEMA_CATALOG, SETTINGS, SQL, TOUCHPOINT_LOG } from './tokens';

/**
 * Binds the settings, the clock and the opened stores to their tokens for every module of the
 * process. Whoever opened the stores closes them, after the app.
 */
@Global()
@Module({})
export class PlatformInfrastructureModule {
  static forRoot(settings: Settings, stores: Stores, clock: Clock = systemClock): DynamicModule {
    const providers = [
      { provide: SETTINGS, useValue: settings },
      { provide: CLOCK, useValue: clock },
      { provide: SCHEMA_CATALOG, useValue: stores.catalog },
      { provide: TOUCHPOINT_LOG, useValue: stores.touchpointLog },
      { provide: EVENT_STORE, useValue: stores.eventStore },
      { provide: SQL, useValue: stores.sql },
      { provide: DATA_SOURCE, useValue: stores.dataSource },
      { provide: ANALYTICS, useValue: stores.analytics },
      { provide: CUSTOMER_FEED_LOG, useValue: stores.customerFeed },
      { provide: LoyaltyAccounts, useValue: new LoyaltyAccounts(stores.eventStore, settings.loyalty.program) },
      { provide: LoyaltyQueries, useValue: new LoyaltyQueries(stores.sql) },
    ];
    return { module: PlatformInfrastructureModule, providers, exports: providers.map((p) => p.provide) };
  }
}
