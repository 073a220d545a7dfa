import type { Provider } from '@nestjs/common';
import { CustomerQueries } from '@cdp/customer-projection';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';

export const customerQueriesProvider: Provider = {
  provide: CustomerQueries,
  inject: [SQL],
  useFactory: (sql: SqlClient) => new CustomerQueries(sql),
};
