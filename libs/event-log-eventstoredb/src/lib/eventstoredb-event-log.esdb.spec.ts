import { EventStoreDBClient } from '@eventstore/db-client';
import { describeEventLogContract } from '@cdp/event-log/testing';
import { createEventStoreDbEventLog } from './eventstoredb-event-log';

// Not part of the default jest run (no EventStoreDB server there). Run it with:
// EVENTSTOREDB_URL=esdb://127.0.0.1:2113?tls=false node --experimental-vm-modules node_modules/jest/bin/jest.js \
//   --selectProjects integration --testMatch '**/*.esdb.spec.ts'
describeEventLogContract('EventStoreDB', async () => {
  const url = process.env.EVENTSTOREDB_URL;
  if (!url) throw new Error('set EVENTSTOREDB_URL, e.g. esdb://127.0.0.1:2113?tls=false');
  const client = EventStoreDBClient.connectionString(url);
  const log = createEventStoreDbEventLog(client);
  return { ...log, close: () => log.close().then(() => client.dispose()) };
});
