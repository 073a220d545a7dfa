import { randomUUID } from 'node:crypto';
import { createPostgresSqlClient } from '@cdp/sql';
import { describeEventLogContract } from '../../testing';
import { createPostgresEventLog } from './postgres-event-log';
import { testDatabaseUrl } from '@cdp/sql/testing';

describeEventLogContract('Postgres server', () =>
  createPostgresEventLog(createPostgresSqlClient({ connectionString: testDatabaseUrl() }), {
    schema: `event_log_test_${randomUUID().slice(0, 8)}`,
  }),
);
