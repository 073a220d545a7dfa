import type { Touchpoint } from '@cdp/events';
import { IngestModule } from '@cdp/ingest-app';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { describeIngestJourneys } from './ingest-journeys';

describeIngestJourneys('embedded: PGlite event log', {
  start: (env) => startPlatformUnderTest('embedded', [IngestModule], env),
  async readBack(platform, eventIds) {
    const { rows } = await platform.app
      .get<SqlClient>(SQL)
      .query<{ data: Touchpoint }>('SELECT data FROM event_log.events WHERE event_id = ANY($1::uuid[]) ORDER BY global_position', [eventIds]);
    return rows.map((r) => r.data);
  },
});
