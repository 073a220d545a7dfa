import { Module } from '@nestjs/common';
import { customerQueriesProvider } from './customers/customer-queries.provider';
import { CustomersController } from './customers/customers.controller';
import { IdentityConflictsController } from './customers/identity-conflicts.controller';

/** The query API: unified customer profiles and timelines, and the identity conflicts operators review. */
@Module({
  controllers: [CustomersController, IdentityConflictsController],
  providers: [customerQueriesProvider],
})
export class ApiModule {}
