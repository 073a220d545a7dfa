import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { THROWAWAY_CLICKHOUSE_ENGINES } from '@cdp/clickhouse/testing';
import { ANALYTICS_MIGRATIONS } from '../tables/analytics-migrations';
import { purgeRfmHistory } from './rfm-history';

const NOW = new Date('2026-12-01T12:00:00Z');

/** A run's rows: two customers scored at `scoredAt`; a run that became current is in rfm_runs too. */
const snapshot = (runId: string, scoredAt: string) =>
  ['cus_a', 'cus_b'].map((customer_id) => ({
    run_id: runId, as_of: '2026-09-01 00:00:00', window_days: 365, customer_id, recency_days: 3, frequency: '2', monetary: '10.000', r: 5, f: 3, m: 3, segment: 'Loyal', scored_at: scoredAt,
  }));
const run = (runId: string, finishedAt: string) => ({
  run_id: runId, as_of: '2026-09-01 00:00:00', as_of_ms: String(Date.parse('2026-09-01T00:00:00Z')), window_days: 365, currency: 'IRR', customers: '2', requested_at: finishedAt, finished_at: finishedAt,
});

describe.each(THROWAWAY_CLICKHOUSE_ENGINES)('purging the RFM history on %s', (_, open) => {
  let client: ClickHouseClient;

  beforeEach(async () => {
    client = await open();
    await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
    await client.insert('rfm_snapshots', [
      ...snapshot('old current', '2026-10-01 08:00:00'),
      ...snapshot('old what-if', '2026-10-02 23:59:59'),
      ...snapshot('same day as a latest', '2026-10-03 01:00:00'),
      ...snapshot('second latest', '2026-10-03 09:00:00'),
      ...snapshot('last day kept', '2026-11-01 00:00:00'), // a what-if: not in rfm_runs
      ...snapshot('latest', '2026-11-20 09:00:00'),
    ]);
    await client.insert('rfm_runs', [
      run('old current', '2026-10-01 08:00:01'),
      run('same day as a latest', '2026-10-03 01:00:01'),
      run('second latest', '2026-10-03 09:00:01'),
      run('latest', '2026-11-20 09:00:01'),
    ]);
  });
  afterEach(() => client.close());

  const runsIn = async (table: string) => (await client.query<{ run_id: string }>(`SELECT DISTINCT run_id FROM ${table} ORDER BY run_id`)).map((r) => r.run_id);

  it('drops whole days scored before the retention, runs and snapshots alike, and keeps the days of the latest two current runs', async () => {
    expect(await purgeRfmHistory(client, NOW, 30)).toEqual({ days: [20261001, 20261002], runs: ['old current', 'old what-if'] });

    expect(await runsIn('rfm_snapshots')).toEqual(['last day kept', 'latest', 'same day as a latest', 'second latest']);
    // The purge waits for ClickHouse to apply its deletion (a mutation) before it drops the days: no listed run is left without its rows.
    expect(await runsIn('rfm_runs')).toEqual(['latest', 'same day as a latest', 'second latest']);
    expect(await purgeRfmHistory(client, NOW, 30)).toEqual({ days: [], runs: [] });
  });

  it('keeps every run with a retention of 0 days, and a day until all of it is older than the retention', async () => {
    expect(await purgeRfmHistory(client, NOW, 0)).toEqual({ days: [], runs: [] });
    expect(await purgeRfmHistory(client, new Date('2026-12-01T23:59:59.999Z'), 30)).toMatchObject({ days: [20261001, 20261002] });
    expect(await purgeRfmHistory(client, new Date('2026-12-02T00:00:00Z'), 30)).toEqual({ days: [20261101], runs: ['last day kept'] });
    expect(await runsIn('rfm_snapshots')).toEqual(['latest', 'same day as a latest', 'second latest']);
  });
});
