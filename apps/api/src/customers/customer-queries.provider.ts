import type { Provider } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { CustomerQueries } from '@cdp/customer-projection';
import { DATA_SOURCE } from '@cdp/platform-runtime';

export const customerQueriesProvider: Provider = {
  provide: CustomerQueries,
  inject: [DATA_SOURCE],
  useFactory: (dataSource: DataSource) => new CustomerQueries(dataSource),
};
