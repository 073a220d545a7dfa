import { Module } from '@nestjs/common';
import { ProjectionsAdminController } from './admin/projections.controller';
import { RebuildProjectionHandler } from './admin/rebuild-projection.command';
import { RetryDeadLettersHandler } from './admin/retry-dead-letters.command';
import { IdentityMapCopyService } from './analytics/identity-map-copy.service';
import { CustomerFeedBuilderService } from './feed/customer-feed-builder.service';
import { LoyaltyExpiryService } from './loyalty/loyalty-expiry.service';
import { DeadLetterRetentionService } from './projections/dead-letter-retention.service';
import { ProjectionsService } from './projections/projections.service';

/** The projection workers of this process, the change feed's builder, and their admin API under /v1/admin. */
@Module({
  controllers: [ProjectionsAdminController],
  providers: [ProjectionsService, IdentityMapCopyService, LoyaltyExpiryService, CustomerFeedBuilderService, DeadLetterRetentionService, RebuildProjectionHandler, RetryDeadLettersHandler],
  exports: [ProjectionsService, IdentityMapCopyService, LoyaltyExpiryService],
})
export class ProjectorModule {}
