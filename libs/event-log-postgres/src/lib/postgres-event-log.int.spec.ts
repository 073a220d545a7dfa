import { randomUUID } from 'node:crypto';
import { createPostgresSqlClient } from '@cdp/sql';
import { testDatabaseUrl } from '@cdp/sql/testing';
import { describeEventLogContract } from '@cdp/event-log/testing';
import { createPostgresEventLog } from './postgres-event-log';

describeEventLogContract('Postgres server', async () => {
  const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl() });
  const schema = `event_log_test_${randomUUID().slice(0, 8)}`;
  const log = await createPostgresEventLog(sql, { schema });
  const close = async () => {
    await log.close();
    await sql.query(`DROP SCHEMA ${schema} CASCADE`);
    await sql.close();
  };
  return { ...log, close };
});
