import { request } from 'node:http';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { SQL } from '@cdp/platform-runtime';
import { claimOwnership } from '@cdp/projections';
import type { SqlClient } from '@cdp/sql';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

/** The admin endpoints hold their bodies to what they take, as every other endpoint does: a located 400, and nothing done. */
describe('requests the admin and query endpoints do not take (embedded)', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES);
  });
  afterAll(() => platform?.close());

  const invalid = (...paths: string[]) => ({ status: 400, body: expect.objectContaining({ error: 'HTTP.INVALID_REQUEST', errors: paths.map((path) => expect.objectContaining({ path })) }) });
  const answer = async (path: string, body: unknown) => {
    const { status, body: answered } = await platform.post(path, body);
    return { status, body: answered };
  };

  it('keeps web pages out: a request for a name other than one of this machine (DNS rebinding), and a change sent from another site', async () => {
    const { port } = new URL(platform.url);
    const status = (method: string, path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, method, path, headers }, (answer) => {
          answer.resume();
          resolve(answer.statusCode!);
        })
          .on('error', reject)
          .end(method === 'POST' ? JSON.stringify({ all: true }) : undefined);
      });
    const json = { 'content-type': 'application/json' };

    expect(await status('GET', '/health', { host: `attacker.example:${port}` })).toBe(403);
    expect(await status('GET', '/health', { host: `localhost:${port}` })).toBe(200);
    expect(await status('POST', '/v1/admin/dead-letters/retries', { ...json, host: `127.0.0.1:${port}`, origin: 'https://attacker.example' })).toBe(403);
    expect(await status('POST', '/v1/admin/dead-letters/retries', { ...json, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` })).toBe(200);
  });

  it('POST /v1/admin/sql takes { query } and nothing else', async () => {
    expect(await answer('/v1/admin/sql', { query: 'SELECT 1 AS one' })).toEqual({ status: 200, body: { rows: [{ one: 1 }], truncated: false } });
    expect(await answer('/v1/admin/sql', { query: 'SELECT 1', format: 'csv' })).toEqual(invalid('format'));
    expect(await answer('/v1/admin/sql', {})).toEqual(invalid('query'));
    expect(await answer('/v1/admin/sql', { query: 7 })).toEqual(invalid('query'));
    expect(await answer('/v1/admin/sql', { query: 'SELECT 1; SELECT 2' })).toMatchObject({ status: 400, body: { error: 'ANALYTICS.QUERY_REFUSED' } });
  });

  it('refuses a query parameter an endpoint does not take, located, where a typo was ignored for the default', async () => {
    expect(await platform.get('/v1/admin/identity-conflicts?limit=5')).toEqual({ status: 200, body: { conflicts: [], next: null } });
    expect(await platform.get('/v1/admin/identity-conflicts?limt=5')).toEqual({
      status: 400,
      body: expect.objectContaining({ error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'limt', message: 'is not a query parameter of this endpoint; its parameters are before, limit' }] }),
    });
    expect(await platform.get('/v1/customers?identifier=email:nobody@example.com&type=email')).toMatchObject({ status: 400, body: { errors: [{ path: 'type' }] } });
    expect(await platform.get('/v1/admin/projections?verbose=1')).toMatchObject({ status: 400, body: { errors: [{ path: 'verbose', message: 'is not a query parameter of this endpoint, which takes none' }] } });
    // The schema registry's clients send parameters of their own.
    expect((await platform.get('/registry/subjects?deleted=true')).status).toBe(200);
  });

  it('refuses, located, a path or query parameter holding the NUL character, which nothing the platform keeps holds', async () => {
    const nul = { status: 400, body: expect.objectContaining({ error: 'HTTP.INVALID_REQUEST', errors: [{ path: 'id', message: 'must not contain the NUL character (%00)' }] }) };
    for (const path of ['/v1/customers/a%00', '/v1/customers/a%00/timeline', '/v1/customers/a%00/loyalty', '/v1/customers/a%00/rfm']) expect(await platform.get(path)).toEqual(nul);
    expect(await platform.get('/v1/customers?identifier=email:a%00b@example.com')).toMatchObject({ status: 400, body: { errors: [{ path: 'identifier' }] } });
    expect(await platform.get('/v1/customers?identifier=deviceId:%00x')).toMatchObject({ status: 400, body: { errors: [{ path: 'identifier' }] } });
  });

  it('POST /v1/admin/projections/{name}/rebuilds takes no field, and starts nothing when sent one', async () => {
    expect(await answer('/v1/admin/projections/customers/rebuilds', { dryRun: true })).toEqual(invalid('dryRun'));
    expect(await answer('/v1/admin/projections/customers/rebuilds', [])).toEqual(invalid('(root)'));
    const { body } = await platform.get('/v1/admin/projections');
    expect(body.projections.find((p: { name: string }) => p.name === 'customers')).toMatchObject({ state: expect.not.stringMatching(/rebuilding/) });
    expect(await answer('/v1/admin/projections/customers/rebuilds', {})).toMatchObject({ status: 202, body: { rebuildId: expect.any(String) } });
  });

  it('POST /v1/admin/projections/{name}/rebuilds answers 409 at once while another process rebuilds it, where it answered 202 and failed a moment later', async () => {
    const sql = platform.app.get<SqlClient>(SQL);
    await claimOwnership(sql, 'analytics@rebuild', 'other-host:4242:ab12 rebuild 1f2e3d4c', 60_000);
    try {
      expect(await answer('/v1/admin/projections/analytics/rebuilds', {})).toEqual({
        status: 409,
        body: { error: 'PROJECTIONS.REBUILD_RUNNING', message: expect.stringMatching(/^another process \(other-host:4242:ab12\) is rebuilding analytics: /) },
      });
    } finally {
      await sql.query(`DELETE FROM projections.owners WHERE projection = 'analytics@rebuild'`);
    }
  });

  it('POST /v1/admin/dead-letters/retries takes { all: true } or { ids }, and only ids of open dead letters', async () => {
    expect(await answer('/v1/admin/dead-letters/retries', { all: true })).toEqual({ status: 200, body: { retried: 0, stillFailing: 0 } });
    expect(await answer('/v1/admin/dead-letters/retries', { all: true, ids: ['1'] })).toEqual(invalid('ids'));
    expect(await answer('/v1/admin/dead-letters/retries', { all: false })).toEqual(invalid('all'));
    expect(await answer('/v1/admin/dead-letters/retries', { ids: [] })).toEqual(invalid('ids'));
    expect(await answer('/v1/admin/dead-letters/retries', { ids: ['3', 'x'] })).toEqual(invalid('ids[1]'));
    expect(await answer('/v1/admin/dead-letters/retries', { id: '3' })).toEqual(invalid('id'));
    expect(await answer('/v1/admin/dead-letters/retries', { ids: ['999'] })).toEqual({
      status: 404,
      body: { error: 'DEAD_LETTERS.NOT_FOUND', message: expect.stringContaining('no open dead letter has the id(s) 999'), unknownIds: ['999'] },
    });
  });
});
