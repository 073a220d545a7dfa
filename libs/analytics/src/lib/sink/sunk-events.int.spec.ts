import { openPgliteDatabase, type SqlClient } from '@cdp/sql';
import { openSunkEvents } from './sunk-events';

describe('the ids the analytics sink wrote (PGlite)', () => {
  let sql: SqlClient;
  beforeEach(async () => {
    sql = (await openPgliteDatabase()).client;
  });
  afterEach(() => sql.close());

  it('forgets those older than 7 days at the first purge after a start, not only an hour later', async () => {
    await openSunkEvents(sql, 'analytics');
    await sql.query(`INSERT INTO analytics.sunk_events (event_id, sunk_at) VALUES ('old', now() - interval '8 days'), ('recent', now() - interval '1 day')`);

    const restarted = await openSunkEvents(sql, 'analytics');
    await restarted.purge();

    expect((await sql.query<{ event_id: string }>('SELECT event_id FROM analytics.sunk_events ORDER BY event_id')).rows).toEqual([{ event_id: 'recent' }]);
  });

  it('purges a backlog a few deletes a turn, so that the batches waiting for it go on', async () => {
    const sunk = await openSunkEvents(sql, 'analytics');
    await sql.query(`INSERT INTO analytics.sunk_events (event_id, sunk_at) SELECT 'old-' || n, now() - interval '8 days' FROM generate_series(1, 55000) AS n`);
    const left = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM analytics.sunk_events')).rows[0].n);

    await sunk.purge();
    expect(await left()).toBe(5_000);
    await sunk.purge();
    expect(await left()).toBe(0);
    // Done: the next purge comes an hour later.
    await sql.query(`INSERT INTO analytics.sunk_events (event_id, sunk_at) VALUES ('late', now() - interval '8 days')`);
    await sunk.purge();
    expect(await left()).toBe(1);
  });
});
