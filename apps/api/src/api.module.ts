import { Module } from '@nestjs/common';
import { customerQueriesProvider } from './customers/customer-queries.provider';
import { CustomersController } from './customers/customers.controller';

/** The query API: unified customer profiles and timelines. */
@Module({
  controllers: [CustomersController],
  providers: [customerQueriesProvider],
})
export class ApiModule {}
