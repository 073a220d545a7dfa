import { createPgliteSqlClient } from '@cdp/sql';
import { describeEventLogContract } from '@cdp/event-log/testing';
import { createPostgresEventLog } from './postgres-event-log';

describeEventLogContract('PGlite (embedded)', async () => {
  const sql = await createPgliteSqlClient();
  const log = await createPostgresEventLog(sql);
  return { ...log, close: () => log.close().then(() => sql.close()) };
});
