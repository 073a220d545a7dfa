import { Module } from '@nestjs/common';
import { customerQueriesProvider } from './customers/customer-queries.provider';
import { CustomersController } from './customers/customers.controller';
import { IdentityConflictsController } from './customers/identity-conflicts.controller';
import { AnalyticsSqlController } from './analytics/analytics-sql.controller';
import { LoyaltyController } from './loyalty/loyalty.controller';
import { RfmController } from './segments/rfm.controller';
import { RfmService } from './segments/rfm.service';
import { CustomerStreamController } from './stream/customer-stream.controller';
import { CustomerStreamMetrics } from './stream/customer-stream.metrics';

/**
 * The query API: unified customer profiles and timelines, the identity conflicts operators review,
 * RFM segments (and their runs), loyalty balances, ledgers and redemptions, read-only SQL on the analytics tables,
 * and the change feed as server-sent events.
 */
@Module({
  controllers: [CustomersController, IdentityConflictsController, RfmController, LoyaltyController, AnalyticsSqlController, CustomerStreamController],
  providers: [customerQueriesProvider, RfmService, CustomerStreamMetrics],
})
export class ApiModule {}
