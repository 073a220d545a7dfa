import { createPgliteSqlClient } from '@cdp/sql';
import { describeEventLogContract } from '../../testing';
import { createPostgresEventLog } from './postgres-event-log';

describeEventLogContract('PGlite (embedded)', async () => createPostgresEventLog(await createPgliteSqlClient()));
