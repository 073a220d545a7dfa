import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoTouchpoints } from '@cdp/demo-data';
import { IngestModule } from '@cdp/ingest-app';
import { readSettings, SQL, startHttpProcess, type RunningProcess } from '@cdp/platform-runtime';
import type { SqlClient } from '@cdp/sql';
import { PlatformClient } from '../platform-client/platform-client';
import { sendDemoData } from './send-demo-data';
import { waitForProfile } from './wait-for-profile';

/** `cdp demo`'s use case against a real embedded platform (PGlite), through its public HTTP API. */
describe('cdp demo against the embedded platform', () => {
  let dataDir: string;
  let platform: RunningProcess;
  const statuses: number[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/v1/touchpoints')) statuses.push(response.status);
    return response;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cdp-cli-demo-'));
    platform = await startHttpProcess(readSettings({ ...process.env, CDP_MODE: 'embedded', PORT: '0', CDP_DATA_DIR: dataDir }), [IngestModule]);
  });

  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('posts every touchpoint of 50 customers, all accepted; sending them again appends nothing', async () => {
    const options = { customers: 50, seed: 'int-spec', batchSize: 200, concurrency: 3, end: new Date() };
    const expected = [...generateDemoTouchpoints(options)];
    const client = new PlatformClient(platform.url, recordingFetch);

    const summary = await sendDemoData(options, { client });
    expect(summary).toMatchObject({ customers: 50, touchpoints: expected.length, accepted: expected.length, duplicates: 0 });
    expect(statuses.length).toBe(Math.ceil(expected.length / 200));
    expect(statuses.every((s) => s === 202)).toBe(true);

    const { rows } = await platform.app
      .get<SqlClient>(SQL)
      .query<{ n: string }>('SELECT count(*) AS n FROM event_log.events WHERE event_id = ANY($1::uuid[])', [expected.map((t) => t.eventId)]);
    expect(Number(rows[0].n)).toBe(expected.length);

    const again = await sendDemoData(options, { client });
    expect(again).toMatchObject({ touchpoints: expected.length, accepted: 0, duplicates: expected.length });
  });

  it('says so when the platform serves no profiles, rather than waiting for them', async () => {
    const client = new PlatformClient(platform.url);
    await expect(waitForProfile(client, { type: 'email', value: 'nobody@example.com' }, 1, { timeoutMs: 0 })).rejects.toThrow(
      `the platform at ${platform.url} does not serve GET /v1/customers. In a split deployment`,
    );
  });
});
