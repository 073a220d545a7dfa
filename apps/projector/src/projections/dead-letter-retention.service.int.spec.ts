import { Registry } from 'prom-client';
import { readSettings } from '@cdp/platform-runtime';
import { migrateProjectionTables } from '@cdp/projections';
import { createPgliteSqlClient, type SqlClient } from '@cdp/sql';
import { DeadLetterRetentionService } from './dead-letter-retention.service';
import type { ProjectionsService } from './projections.service';

const DAY_MS = 86_400_000;

describe('the retention of resolved dead letters', () => {
  let sql: SqlClient;
  const now = new Date('2026-12-07T08:00:00Z');
  const projections = { started: async () => undefined } as unknown as ProjectionsService;

  beforeAll(async () => {
    sql = await createPgliteSqlClient();
    await migrateProjectionTables(sql);
  });
  afterAll(() => sql.close());

  beforeEach(async () => {
    await sql.query(`DELETE FROM projections.dead_letters`);
    const letter = (eventId: string, resolvedDaysAgo: number | null) =>
      sql.query(`INSERT INTO projections.dead_letters (projection, event_id, stream_id, event, error, held, resolved_at) VALUES ('customers', $1, 's', '{}', 'x', false, $2)`, [
        eventId,
        resolvedDaysAgo === null ? null : new Date(now.getTime() - resolvedDaysAgo * DAY_MS).toISOString(),
      ]);
    await letter('resolved-40-days-ago', 40);
    await letter('resolved-29-days-ago', 29);
    await letter('open', null);
  });

  const kept = async () => (await sql.query<{ event_id: string }>(`SELECT event_id FROM projections.dead_letters ORDER BY event_id`)).rows.map((r) => r.event_id);

  async function startAndStop(env: Record<string, string>): Promise<Registry> {
    const registry = new Registry();
    const service = new DeadLetterRetentionService(sql, readSettings(env), { now: () => now }, registry, projections);
    await service.onApplicationBootstrap();
    await service.onApplicationShutdown();
    return registry;
  }

  it('deletes, as the process starts, the dead letters resolved longer ago than CDP_DEAD_LETTER_RETENTION_DAYS, and counts them', async () => {
    const registry = await startAndStop({});
    expect(await kept()).toEqual(['open', 'resolved-29-days-ago']);
    expect(await registry.getSingleMetricAsString('cdp_projection_dead_letters_pruned_total')).toMatch(/^cdp_projection_dead_letters_pruned_total 1$/m);
  });

  it('keeps every one with a retention of 0, and deletes by the retention given', async () => {
    await startAndStop({ CDP_DEAD_LETTER_RETENTION_DAYS: '0' });
    expect(await kept()).toEqual(['open', 'resolved-29-days-ago', 'resolved-40-days-ago']);
    await startAndStop({ CDP_DEAD_LETTER_RETENTION_DAYS: '7' });
    expect(await kept()).toEqual(['open']);
  });
});
