import { generateDemoTouchpoints, type DemoTouchpoint } from '@cdp/demo-data';
import { IngestModule } from '@cdp/ingest-app';
import { SQL } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** PGlite has no autovacuum: the embedded platform vacuums and analyzes its tables itself. */
describe('embedded mode: table maintenance', () => {
  let platform: PlatformUnderTest;
  afterEach(() => platform?.close());

  const eventLogStats = async () =>
    (
      await platform.app.get<SqlClient>(SQL).query<{ vacuumed: boolean; analyzed: boolean; tuples: number }>(
        `SELECT s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analyzed, c.reltuples::float8 AS tuples
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relid = 'event_log.events'::regclass`,
      )
    ).rows[0];

  it('vacuums and analyzes the event log once enough touchpoints have come in', async () => {
    platform = await startPlatformUnderTest('embedded', [IngestModule], { CDP_TABLE_MAINTENANCE_EVERY_SECONDS: '1' });
    const touchpoints: DemoTouchpoint[] = [];
    for (const touchpoint of generateDemoTouchpoints({ customers: 400, seed: 'table-maintenance', end: '2026-11-01T00:00:00Z' })) {
      if (touchpoints.push(touchpoint) === 1_500) break;
    }
    expect(await eventLogStats()).toEqual({ vacuumed: false, analyzed: false, tuples: expect.any(Number) });
    for (let i = 0; i < touchpoints.length; i += 500) {
      const { status } = await platform.post('/v1/touchpoints', { touchpoints: touchpoints.slice(i, i + 500) });
      expect(status).toBe(202);
    }

    const maintained = await eventually(async () => {
      const stats = await eventLogStats();
      return stats.vacuumed && stats.analyzed ? stats : undefined;
    }, 'the event log to be vacuumed and analyzed');
    expect(maintained.tuples).toBe(1_500);
  });
});
