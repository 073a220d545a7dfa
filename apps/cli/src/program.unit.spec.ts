import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './program';
import { testContext, type FakeAnswer, type FakeRoute } from './testing/fake-platform';

async function cdp(args: string[], route: FakeRoute = () => undefined, env: NodeJS.ProcessEnv = {}) {
  const { context, terminal, fetch } = testContext(route, env);
  const code = await runCli(args, context);
  return { code, stdout: terminal.stdout(), stderr: terminal.stderr(), calls: fetch.calls };
}

/** A route of the admin API only: /health answers as a platform that is up (see fakeFetch). */
const admin = (route: FakeRoute): FakeRoute => (request) => (request.path === '/health' ? undefined : route(request));

const projections = [
  { name: 'profiles', checkpoint: { position: '1200' }, lag: 0, processed: 1200, deadLetters: 2, state: 'running' },
  { name: 'rfm', checkpoint: null, lag: null, processed: 0, deadLetters: 0, state: 'stopped' },
];

describe('cdp: usage and exit codes', () => {
  it('answers --help with 0, and a wrong command line with 2', async () => {
    expect((await cdp(['--help'])).code).toBe(0);
    expect((await cdp(['demo', '--help'])).stdout).toContain('--customers <n>');
    expect((await cdp([])).code).toBe(2);
    expect((await cdp(['nonsense'])).code).toBe(2);
    const bad = await cdp(['demo', '--customers', 'many']);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringContaining("option '--customers <n>' argument 'many' is invalid") });
    expect((await cdp(['demo', '--batch', '5000'])).code).toBe(2);
    expect(await cdp(['projections', 'rebuild', 'customers', '--interval', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("option '--interval <seconds>' argument '0' is invalid. must be from 0.1 to 3600 seconds."),
    });
    expect((await cdp(['--url', 'localhost:3000', 'projections', 'status'])).code).toBe(2);
    expect(await cdp(['projections', 'status'], () => undefined, { CDP_URL: '127.0.0.1:3000' })).toMatchObject({
      code: 2,
      stderr: 'cdp: CDP_URL=127.0.0.1:3000 must be an http(s) URL, e.g. http://localhost:3000\n(add --help for usage)',
    });
  });

  it("--version prints the checkout's release, package.json's version with the commit, and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string };
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(await cdp(['--version'])).toMatchObject({ code: 0, stdout: `${version}+${commit}` });
    expect((await cdp(['-V'])).stdout).toBe(`${version}+${commit}`);
  });

  it('says in one line how to start the platform when nothing listens (servers mode), and exits 75, for a scheduler to try again later', async () => {
    for (const args of [['projections', 'status'], ['dlq', 'list'], ['demo', '--customers', '5']]) {
      const result = await cdp(args, () => 'refused', { CDP_MODE: 'servers' });
      expect(result.code).toBe(75);
      expect(result.stderr).toBe(
        'cdp: No platform is running at http://localhost:3000: start it with `npm start` (in servers mode, the process of the deployment that serves this: apps/ingest, apps/projector or apps/api, docs/operations.md), or pass --url, or set CDP_URL.',
      );
    }
  });

  it('exits 75 when the platform answers that it is busy or away (503, 502, 504), and 1 when it refuses what was asked', async () => {
    for (const status of [502, 503, 504]) {
      expect((await cdp(['projections', 'status'], admin(() => ({ status, body: { error: 'DATABASE.UNAVAILABLE', message: 'Postgres did not answer' } })))).code).toBe(75);
    }
    expect((await cdp(['dlq', 'retry', '7'], admin(() => ({ status: 404, body: { error: 'DEAD_LETTERS.NOT_FOUND', unknownIds: ['7'] } })))).code).toBe(1);
    expect((await cdp(['projections', 'status'], admin(() => ({ status: 500, body: { error: 'INTERNAL', message: 'a bug' } })))).code).toBe(1);
    // A 503 that only an operator gets past (a topic's settings, a full disk, emptied analytics tables) is no reason to retry.
    for (const error of ['KAFKA.TOPIC_SETTINGS', 'DATABASE.DISK_FULL', 'RFM.ANALYTICS_DATA_MISSING']) {
      expect((await cdp(['projections', 'status'], admin(() => ({ status: 503, body: { error, message: 'mend it' } })))).code).toBe(1);
    }
  });

  it('gives up on a platform that takes the connection and never answers after --timeout, exiting 75', async () => {
    const { context, terminal } = testContext(() => undefined, { CDP_MODE: 'servers' });
    const hanging: typeof fetch = (_input, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const started = Date.now();
    const code = await runCli(['--timeout', '1', 'projections', 'status'], { ...context, fetch: hanging });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(75);
    expect(terminal.stderr()).toBe('cdp: GET /health got no answer from http://localhost:3000 within 1.0 s: is the platform overloaded? Retry (or give a longer --timeout).');
    expect((await cdp(['--timeout', '0', 'projections', 'status'])).code).toBe(2);
  });

  it('says the host cannot be found, not that no platform runs there, when the address names no machine', async () => {
    const { context, terminal } = testContext(() => undefined, { CDP_URL: 'http://cdp.example.invalid:3000' });
    const unknownHost: typeof fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND cdp.example.invalid'), { code: 'ENOTFOUND' }) });
    };
    expect(await runCli(['projections', 'status'], { ...context, fetch: unknownHost })).toBe(1);
    expect(terminal.stderr()).toBe("cdp: The host of http://cdp.example.invalid:3000 cannot be found (ENOTFOUND): check the address in --url or CDP_URL, and this machine's DNS.");
  });

  it('says where to look when no platform answers and the data folder it would open does not exist', async () => {
    const result = await cdp(['projections', 'status'], () => 'refused', { CDP_DATA_DIR: '/nonexistent/cdp-data' });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no data folder at /nonexistent/cdp-data to open instead. Start the platform (npm start)') });
  });

  it('does not set up a new platform in an existing folder that holds no platform data (a mistyped CDP_DATA_DIR)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cdp-not-a-data-folder-'));
    try {
      const result = await cdp(['projections', 'status'], () => 'refused', { CDP_DATA_DIR: empty });
      expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining(`there is no data folder at ${empty} to open instead (the folder holds no platform data). Start the platform (npm start)`) });
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses a server that answers, but not as the platform, before sending it anything', async () => {
    const clickHouse = await cdp(['demo', '--customers', '5'], ({ path }) => (path === '/health' ? { status: 404, body: 'There is no handle /health' } : { status: 200, body: {} }), {
      CDP_URL: 'http://127.0.0.1:8123',
    });
    expect(clickHouse).toMatchObject({ code: 1, stderr: expect.stringContaining('cdp: http://127.0.0.1:8123 answers, but not as the platform (GET /health answered 404') });
    expect(clickHouse.calls.map((c) => c.path)).toEqual(['/health']);
  });

  it('talks to --url, or CDP_URL, or localhost:$PORT', async () => {
    expect((await cdp(['projections', 'status', '--url', 'http://cdp:8080'], () => 'refused')).stderr).toContain('http://cdp:8080');
    expect((await cdp(['projections', 'status'], () => 'refused', { CDP_URL: 'http://cdp:9090' })).stderr).toContain('http://cdp:9090');
    expect((await cdp(['projections', 'status'], () => 'refused', { PORT: '3555', CDP_MODE: 'servers' })).stderr).toContain('http://localhost:3555');
  });
});

describe('cdp projections', () => {
  it('status: a table of every projection, and where to look for dead letters', async () => {
    const result = await cdp(['projections', 'status'], ({ path }) => (path === '/v1/admin/projections' ? { status: 200, body: { projections } } : undefined));
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      'NAME      STATE    PROCESSED  LAG  DEAD LETTERS  CHECKPOINT',
      '--------  -------  ---------  ---  ------------  -------------------',
      'profiles  running      1,200    0             2  {"position":"1200"}',
      'rfm       stopped          0    -             0  -',
    ]);
    expect(result.stdout).toContain('2 dead letter(s): see them with `cdp dlq list`.');
  });

  it('status: in servers mode, which partitions the process asked projects, for the projections processes share', async () => {
    const shared = [
      { name: 'customers', checkpoint: null, lag: 0, processed: 10, deadLetters: 0, state: 'running', partitions: ['cdp.touchpoints.v1/0', 'cdp.touchpoints.v1/2', 'cdp.touchpoints.v1/10'] },
      { name: 'analytics', checkpoint: null, lag: 0, processed: 10, deadLetters: 0, state: 'running', partitions: [] },
      { name: 'loyalty', checkpoint: null, lag: 0, processed: 10, deadLetters: 0, state: 'standby', partitions: null, owner: 'host-b:12:ab12cd34' },
    ];
    const result = await cdp(['projections', 'status'], admin(() => ({ status: 200, body: { projections: shared } })));
    expect(result.stdout.split('\n').slice(0, 5)).toEqual([
      'NAME       STATE    PROCESSED  LAG  DEAD LETTERS  PARTITIONS HERE  CHECKPOINT',
      '---------  -------  ---------  ---  ------------  ---------------  ----------',
      'customers  running         10    0             0  0,2,10                    -',
      'analytics  running         10    0             0  none                      -',
      'loyalty    standby         10    0             0  -                         -',
    ]);
  });

  it('status: says why a projection waits or retries, and since when', async () => {
    const waiting = {
      name: 'loyalty_earning',
      checkpoint: null,
      lag: 40,
      processed: 0,
      deadLetters: 0,
      state: 'waiting',
      reason: 'waiting for the customers projection: the customers projection has not placed touchpoint t-1 yet',
      since: '2026-11-20T10:15:00.000Z',
    };
    const result = await cdp(['projections', 'status'], admin(() => ({ status: 200, body: { projections: [waiting] } })));
    expect(result.stdout.split('\n')[2]).toMatch(/^loyalty_earning {2}waiting {2}/);
    expect(result.stdout).toContain(
      'loyalty_earning is waiting since 2026-11-20 10:15 UTC (29 Aban 1405, 13:45 Tehran): waiting for the customers projection: the customers projection has not placed touchpoint t-1 yet',
    );
  });

  it('status --json: the admin answer as it came', async () => {
    const result = await cdp(['projections', 'status', '--json'], admin(() => ({ status: 200, body: { projections } })));
    expect(JSON.parse(result.stdout)).toEqual({ projections });
  });

  it('status: says when the platform has no admin API, and which process of a split deployment has', async () => {
    const result = await cdp(['projections', 'status'], () => undefined);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^cdp: the platform at http:\/\/localhost:3000 does not serve GET \/v1\/admin\/projections\. In a split deployment, point CDP_URL .* apps\/projector for projections and dead letters, .* update it and restart it \(`npm start`\)$/),
    });
  });

  it('rebuild: starts a rebuild, follows it to the end and reports it', async () => {
    const polls = [
      { state: 'running', processed: 0, total: 900 },
      { state: 'running', processed: 450, total: 900 },
      { state: 'done', processed: 900, total: 900 },
    ];
    const result = await cdp(['projections', 'rebuild', 'profiles'], ({ method, path }) => {
      if (method === 'POST' && path === '/v1/admin/projections/profiles/rebuilds') return { status: 202, body: { rebuildId: 'r-1' } };
      if (method === 'GET' && path === '/v1/admin/projections/profiles/rebuilds/r-1') return { status: 200, body: polls.shift() };
      return undefined;
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Rebuilt profiles: 900 events in /);
    expect(polls).toHaveLength(0);
  });

  it('rebuild: follows the rebuild already running instead of starting a second one', async () => {
    const result = await cdp(['projections', 'rebuild', 'profiles'], admin(({ method }) =>
      method === 'POST' ? { status: 202, body: { rebuildId: 'r-0', alreadyRunning: true } } : { status: 200, body: { state: 'done', processed: 7, total: 7 } },
    ));
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rebuilt profiles: 7 events/) });
    expect(result.stderr).toContain('A rebuild of profiles is already running (rebuild r-0): following it');
  });

  it('rebuild: keeps following when the busy platform does not answer for a while', async () => {
    const polls: FakeAnswer[] = [{ status: 503 }, { status: 504 }, { status: 200, body: { state: 'done', processed: 5, total: 5 } }];
    const result = await cdp(['projections', 'rebuild', 'profiles'], admin(({ method }) => (method === 'POST' ? { status: 202, body: { rebuildId: 'r-1' } } : polls.shift())));
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Rebuilt profiles: 5 events/) });
    expect(result.stderr).toContain('the platform is busy and did not answer; still following the rebuild');
  });

  it('rebuild: a failed rebuild exits 1 with its reason; an unknown projection says where the names are', async () => {
    const failed = await cdp(['projections', 'rebuild', 'profiles'], admin(({ method }) =>
      method === 'POST' ? { status: 202, body: { rebuildId: 'r-1' } } : { status: 200, body: { state: 'failed', processed: 10, total: 900, error: 'database full' } },
    ));
    expect(failed).toMatchObject({ code: 1, stderr: expect.stringContaining('The rebuild of profiles failed after 10 of 900 events: database full.') });
    const unknown = await cdp(['projections', 'rebuild', 'nope'], admin(() => ({ status: 404, body: { error: 'PROJECTIONS.UNKNOWN', message: 'no projection nope' } })));
    expect(unknown).toMatchObject({ code: 1, stderr: 'cdp: no projection is named "nope": see the names with `cdp projections status`' });
    expect((await cdp(['projections', 'rebuild'])).code).toBe(2);
  });
});

describe('cdp dlq', () => {
  const deadLetter = {
    id: 'dl-1',
    projection: 'profiles',
    eventId: '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f',
    streamId: 'touchpoints-email:sara@example.com',
    error: 'amount is not a decimal',
    failedAt: '2026-11-20T10:15:00.000Z',
    held: false,
  };

  it('list: a table, or a line saying there are none', async () => {
    const listed = await cdp(['dlq', 'list'], admin(() => ({ status: 200, body: { deadLetters: [deadLetter] } })));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('dl-1  profiles    0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f');
    expect(listed.stdout).toContain('2026-11-20 10:15 UTC (29 Aban 1405, 13:45 Tehran)');
    expect((await cdp(['dead-letters', 'list'], admin(() => ({ status: 200, body: { deadLetters: [] } })))).stdout).toMatch(/^No dead letters/);
  });

  it('retry: the ids given, or --all; one of them is required, not both', async () => {
    const route: FakeRoute = ({ method, path }) => (method === 'POST' && path === '/v1/admin/dead-letters/retries' ? { status: 200, body: { retried: 2, stillFailing: 0 } } : undefined);
    const some = await cdp(['dlq', 'retry', '12', '13', '12'], route);
    expect(some).toMatchObject({ code: 0, stdout: 'Retried 2 dead letter(s): 2 processed, 0 still failing.' });
    const posted = (result: typeof some) => result.calls.find((c) => c.method === 'POST')?.body;
    expect(posted(some)).toEqual({ ids: ['12', '13'] });
    expect(posted(await cdp(['dlq', 'retry', '--all'], route))).toEqual({ all: true });
    expect(await cdp(['dlq', 'retry'], route)).toMatchObject({ code: 2, stderr: expect.stringContaining('or pass --all') });
    expect(await cdp(['dlq', 'retry', '--all', '12'], route)).toMatchObject({ code: 2, stderr: expect.stringContaining('not both') });
    expect(await cdp(['dlq', 'retry', '12', 'abc'], route)).toMatchObject({ code: 2, stderr: 'cdp: dead-letter ids are numbers, as `cdp dlq list` shows them; not abc\n(add --help for usage)' });
  });

  it('retry: exits 1 when no dead letter has the ids given, and says there are none for --all', async () => {
    const none: FakeRoute = ({ method, body }) => {
      if (method !== 'POST') return undefined;
      if ((body as { all?: boolean }).all) return { status: 200, body: { retried: 0, stillFailing: 0 } };
      return { status: 404, body: { error: 'DEAD_LETTERS.NOT_FOUND', message: 'no open dead letter has the id(s) 99999: …', unknownIds: ['99999'] } };
    };
    expect(await cdp(['dlq', 'retry', '99999'], none)).toMatchObject({ code: 1, stderr: 'cdp: no open dead letter has the id(s) 99999: see them with `cdp dlq list`; nothing was retried' });
    expect(await cdp(['dlq', 'retry', '--all'], none)).toMatchObject({ code: 0, stdout: 'Nothing to retry: there are no dead letters.' });
  });

  it('retry: exits 1 when some still fail', async () => {
    const result = await cdp(['dlq', 'retry', '--all'], admin(() => ({ status: 200, body: { retried: 2, stillFailing: 1 } })));
    expect(result).toMatchObject({ code: 1, stdout: 'Retried 3 dead letter(s): 2 processed, 1 still failing.' });
    const one = await cdp(['dlq', 'retry', '7'], admin(() => ({ status: 200, body: { retried: 0, stillFailing: 1 } })));
    expect(one).toMatchObject({ code: 1, stdout: 'Retried 1 dead letter(s): 0 processed, 1 still failing.' });
    expect(result.stderr).toContain('1 dead letter(s) still fail: see why with `cdp dlq list`');
  });
});

describe('cdp rfm run', () => {
  it('refuses, as a usage error before asking the platform, an --as-of or --window the platform would refuse', async () => {
    const future = await cdp(['rfm', 'run', '--as-of', '2999-01-01T00:00:00Z']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('asOf must not be more than a minute after now');
    expect((await cdp(['rfm', 'run', '--window', '0'])).code).toBe(2);
  });

  it('runs once the projections have caught up, and not while they are behind', async () => {
    const run = { runId: 'r1', asOf: '2026-11-01T00:00:00.000Z', windowDays: 365, currency: 'IRR', customers: 2, requestedAt: '2026-11-23T08:00:00.000Z', finishedAt: '2026-11-23T08:00:01.000Z' };
    const route = (lag: number): FakeRoute => ({ method, path }) => {
      if (path === '/health') return { status: 200, body: { status: 'ok' } };
      if (path === '/v1/admin/projections') return { status: 200, body: { projections: [{ ...projections[0], lag }] } };
      if (method === 'POST' && path === '/v1/segments/rfm/runs') return { status: 200, body: run };
      if (path === '/v1/segments/rfm') return { status: 200, body: { runId: 'r1', segments: { Champions: 2 } } };
      return undefined;
    };
    const caughtUp = await cdp(['rfm', 'run', '--as-of', '2026-11-01T00:00:00Z'], route(0));
    expect(caughtUp.code).toBe(0);
    expect(caughtUp.stdout).toContain('RFM run r1: 2 customers scored');

    const behind = await cdp(['rfm', 'run', '--wait', '0'], route(1_234));
    // Try again later, as when the platform answers that its projections are behind.
    expect(behind.code).toBe(75);
    expect(behind.stderr).toContain('(profiles is 1,234 events behind), so RFM did not run. Follow them with `cdp projections status`');
    expect(behind.calls.some((c) => c.path === '/v1/segments/rfm/runs')).toBe(false);
  });

  it('runs at once against a process that runs no projections (apps/api of a split deployment): the platform waits for them itself', async () => {
    const run = { runId: 'r3', asOf: '2026-11-01T00:00:00.000Z', windowDays: 365, currency: 'IRR', customers: 2, requestedAt: '2026-11-23T08:00:00.000Z', finishedAt: '2026-11-23T08:00:01.000Z' };
    const result = await cdp(['rfm', 'run'], ({ method, path }) => {
      if (method === 'POST' && path === '/v1/segments/rfm/runs') return { status: 200, body: run };
      if (path === '/v1/segments/rfm') return { status: 200, body: { runId: 'r3', segments: { Champions: 2 } } };
      return undefined;
    });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('RFM run r3: 2 customers scored') });
  });

  it("says a what-if run changed no current segment, and prints that run's own counts", async () => {
    const run = { runId: 'r2', asOf: '2026-10-01T00:00:00.000Z', windowDays: 365, currency: 'IRR', customers: 3, requestedAt: '2026-11-23T08:00:00.000Z', finishedAt: '2026-11-23T08:00:01.000Z', current: false, segments: { Lost: 3 } };
    const result = await cdp(['rfm', 'run', '--as-of', '2026-10-01T00:00:00Z'], ({ method, path }) => {
      if (path === '/v1/admin/projections') return { status: 200, body: { projections: [{ ...projections[0], lag: 0 }] } };
      if (method === 'POST' && path === '/v1/segments/rfm/runs') return { status: 200, body: run };
      return undefined;
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('A what-if run: it is as of an instant before the current scores, which stay as they are');
    expect(result.stdout).toMatch(/Lost\s+3/);
    expect(result.calls.some((c) => c.path === '/v1/segments/rfm')).toBe(false);
  });

  it('--json: the run as answered and the customers per segment, for a current run and a what-if alike', async () => {
    const run = { runId: 'r4', asOf: '2026-11-01T00:00:00.000Z', windowDays: 365, currency: 'IRR', customers: 2, requestedAt: '2026-11-23T08:00:00.000Z', finishedAt: '2026-11-23T08:00:01.000Z', current: true };
    const answering = (answer: object) => (request: { method: string; path: string }) => {
      if (request.path === '/v1/admin/projections') return { status: 200, body: { projections: [{ ...projections[0], lag: 0 }] } };
      if (request.method === 'POST' && request.path === '/v1/segments/rfm/runs') return { status: 200, body: answer };
      if (request.path === '/v1/segments/rfm') return { status: 200, body: { runId: 'r4', segments: { Champions: 2 } } };
      return undefined;
    };
    expect(JSON.parse((await cdp(['rfm', 'run', '--json'], answering(run))).stdout)).toEqual({ run, segments: { Champions: 2 } });
    const whatIf = { ...run, current: false, segments: { Lost: 2 } };
    expect(JSON.parse((await cdp(['rfm', 'run', '--json'], answering(whatIf))).stdout)).toEqual({ run: whatIf, segments: { Lost: 2 } });
  });
});

describe('cdp customers show', () => {
  const sara = { customerId: 'cus_1', identifiers: { email: ['sara@example.com'] }, traits: { firstName: { value: 'Sara' }, lastName: { value: 'Ahmadi' } }, mergedFrom: [] };
  const profiles: FakeRoute = ({ path }) => {
    if (path === '/v1/customers?identifier=email%3Asara%40example.com' || path === '/v1/customers/cus_1') return { status: 200, body: sara };
    if (path.startsWith('/v1/customers?identifier=phone')) return { status: 400, body: { error: 'CUSTOMER.INVALID_IDENTIFIER', message: 'phone has too few digits for a phone number in region IR' } };
    if (path.startsWith('/v1/customers')) return { status: 404, body: { error: 'CUSTOMER.NOT_FOUND', message: 'no such customer' } };
    return undefined;
  };

  it("shows the profile found by an identifier or by the customer's id", async () => {
    for (const customer of ['email:sara@example.com', 'Email:sara@example.com', 'cus_1']) {
      const result = await cdp(['customers', 'show', customer], profiles);
      expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Sara Ahmadi, customer cus_1\n/) });
    }
    expect(JSON.parse((await cdp(['customers', 'show', '--json', 'cus_1'], profiles)).stdout)).toEqual(sara);
    const merged = await cdp(['customers', 'show', 'cus_merged'], ({ path }) => (path === '/v1/customers/cus_merged' ? { status: 200, body: sara } : undefined));
    expect(merged.stdout).toMatch(/^cus_merged was merged into this customer\.\n\nSara Ahmadi, customer cus_1\n/);
  });

  it('exits 1 and says what to give when no customer is found, and passes on why an identifier is refused', async () => {
    expect(await cdp(['customers', 'show', 'email:nobody@example.com'], profiles)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cdp: no customer is known by email:nobody@example.com \(looked up as ingestion normalises it/) });
    expect(await cdp(['customers', 'show', 'cus_404'], profiles)).toMatchObject({ code: 1, stderr: expect.stringContaining('no customer has the id cus_404: give its id (cus_…) or an identifier as type:value, where type is one of customerId, loyaltyCard, email, phone, socialHandle, deviceId') });
    expect(await cdp(['customers', 'show', 'phone:12'], profiles)).toMatchObject({ code: 1, stderr: expect.stringContaining('answered 400: CUSTOMER.INVALID_IDENTIFIER: phone has too few digits for a phone number in region IR') });
  });
});

describe('cdp demo', () => {
  it('sends every touchpoint, retries a failed batch, waits for the projections, and says how to look at the profile later', async () => {
    let failures = 1;
    const lags = [120, 40, 0];
    const result = await cdp(['demo', '--customers', '3', '--batch', '10', '--end', '2026-11-23T00:00:00Z', '--wait', '1'], ({ method, path, body }) => {
      if (path === '/health') return { status: 200, body: { status: 'ok' } };
      if (path === '/v1/admin/projections') return { status: 200, body: { projections: [{ ...projections[0], lag: lags.shift() }] } };
      if (method === 'POST' && path === '/v1/touchpoints') {
        if (failures-- > 0) return { status: 503, body: { error: 'UNAVAILABLE' } };
        return { status: 202, body: { touchpoints: body.touchpoints.map((t: { eventId: string }) => ({ eventId: t.eventId, position: '1', duplicate: false })) } };
      }
      if (path.startsWith('/v1/customers?identifier=email')) return { status: 404, body: { error: 'CUSTOMER.NOT_FOUND', message: 'no customer with that email' } };
      return undefined;
    });
    expect(result.stderr).toContain('retrying a batch (attempt 2): POST /v1/touchpoints answered 503: UNAVAILABLE');
    // Everything was sent; the profile was not there yet: the command says so, and fails. This platform serves no RFM
    // (as apps/ingest of a split deployment): said, and no failure of the demo.
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\nRFM did not run: the platform at http:\/\/localhost:3000 does not serve POST \/v1\/segments\/rfm\/runs\./);
    expect(result.stderr).toMatch(/\ncdp: the demo's touchpoints were all sent, but Sara Ahmadi's profile is not there\.$/);
    const posted = result.calls.filter((c) => c.path === '/v1/touchpoints').flatMap((c) => c.body.touchpoints);
    const sent = new Set(posted.map((t: { eventId: string }) => t.eventId)).size;
    expect(result.stdout).toContain(`touchpoints sent     ${sent} (${sent} new, 0 duplicates)`);
    expect(result.stdout).toContain('customers generated  3');
    expect(result.stderr).toContain('The projections have caught up.');
    expect(result.stdout).not.toContain('Waiting up to');
    expect(result.calls.filter((c) => c.path === '/v1/admin/projections')).toHaveLength(3);
    expect(result.stdout).toMatch(/Projections are catching up: there is no profile for email:sara\.ahmadi\d+@example\.com yet/);
    expect(result.stdout).toMatch(/curl -s 'http:\/\/localhost:3000\/v1\/customers\?identifier=email:sara\.ahmadi\d+@example\.com'/);
  });

  it('sends identical data when run again the same day, so the platform answers with duplicates only', async () => {
    const route: FakeRoute = ({ method, path, body }) => {
      if (path === '/health') return { status: 200, body: { status: 'ok' } };
      if (method === 'POST' && path === '/v1/touchpoints') return { status: 202, body: { touchpoints: body.touchpoints.map((t: { eventId: string }) => ({ eventId: t.eventId, position: '1', duplicate: false })) } };
      return { status: 404, body: { error: 'CUSTOMER.NOT_FOUND' } };
    };
    const posted = async () => (await cdp(['demo', '--customers', '2', '--wait', '0'], route)).calls.filter((c) => c.path === '/v1/touchpoints').flatMap((c) => c.body.touchpoints);
    const first = await posted();
    expect(first.length).toBeGreaterThan(10);
    expect(await posted()).toEqual(first);
    expect(Math.max(...first.map((t: { occurredAt: string }) => Date.parse(t.occurredAt)))).toBeLessThan(Date.parse('2026-11-23T00:00:00Z'));
  });

  it('refuses an --end after now, or one whose two years would start before 1970, before it sends anything', async () => {
    const future = await cdp(['demo', '--customers', '2', '--end', '2026-11-28T00:00:00Z']);
    expect(future).toMatchObject({ code: 2, stderr: expect.stringContaining('--end 2026-11-28T00:00:00.000Z is after now') });
    const early = await cdp(['demo', '--customers', '2', '--end', '1971-06-01T00:00:00Z']);
    expect(early).toMatchObject({ code: 2, stderr: expect.stringContaining('would start the two years of data before 1970, before which no touchpoint is kept: give 1972-01-01T00:00:00.000Z or later') });
    expect([...future.calls, ...early.calls]).toEqual([]);
  });

  it('scores RFM as of now, so that the run is current whatever ran since midnight; as of --end when given', async () => {
    const rfmBodies = async (args: string[]) =>
      (
        await cdp(['demo', '--customers', '2', '--wait', '0', ...args], ({ method, path, body }) => {
          if (path === '/health') return { status: 200, body: { status: 'ok' } };
          if (method === 'POST' && path === '/v1/touchpoints') return { status: 202, body: { touchpoints: body.touchpoints.map((t: { eventId: string }) => ({ eventId: t.eventId, position: '1', duplicate: false })) } };
          return { status: 404, body: { error: 'CUSTOMER.NOT_FOUND' } };
        })
      ).calls
        .filter((c) => c.path === '/v1/segments/rfm/runs')
        .map((c) => c.body);
    expect(await rfmBodies([])).toEqual([{}]);
    expect(await rfmBodies(['--end', '2026-11-01T00:00:00Z'])).toEqual([{ asOf: '2026-11-01T00:00:00.000Z' }]);
  });

  it('stops at a refused batch and says why', async () => {
    const result = await cdp(['demo', '--customers', '2', '--wait', '0'], ({ path }) =>
      path === '/health' ? { status: 200, body: { status: 'ok' } } : { status: 400, body: { error: 'INGEST.INVALID_TOUCHPOINTS', errors: [{ index: 3, path: 'payload.amount', message: 'must be a decimal' }] } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('#3 payload.amount: must be a decimal');
    expect(result.stderr).toContain('are the CLI and the platform the same version?');
  });
});

describe('cdp schema and cdp source: wired, and offline', () => {
  it('checks the shipped schemas and validates the shipped survey samples, with no platform', async () => {
    const refuse: FakeRoute = () => 'refused';
    const checked = await cdp(['schema', 'check'], refuse);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('survey_response');

    const validated = await cdp(['source', 'validate', 'survey_response', 'schemas/touchpoints/survey_response/samples.ndjson'], refuse);
    expect(validated.code).toBe(0);
    expect(validated.calls).toHaveLength(0);
  });
});

describe('cdp identity conflicts', () => {
  const conflict = {
    eventId: '0b7f2c1e-5f4a-4c3e-9d1a-6a2b8c9d0e1f',
    identifier: 'email:shared@example.com',
    reason: 'IDENTITY.DIFFERENT_CUSTOMER_IDS',
    customerId: 'cus_b',
    conflictingCustomerId: 'cus_a',
    occurredAt: '2026-11-20T10:15:00.000Z',
  };
  const pages: FakeRoute = admin(({ path }) => {
    const before = new URL(path, 'http://cdp').searchParams.get('before');
    return { status: 200, body: before === null ? { conflicts: [conflict], next: 'WyJhIl0' } : { conflicts: [], next: null } };
  });

  it('prints a page, and the command that prints the next one while more follow', async () => {
    const first = await cdp(['identity', 'conflicts', '--limit', '1'], pages);
    expect(first).toMatchObject({ code: 0, calls: [expect.anything(), { path: '/v1/admin/identity-conflicts?limit=1' }] });
    expect(first.stdout).toContain('email:shared@example.com  IDENTITY.DIFFERENT_CUSTOMER_IDS');
    expect(first.stdout.split('\n').at(-1)).toBe('More follow, older: npx cdp identity conflicts --limit 1 --before WyJhIl0');

    const last = await cdp(['identity', 'conflicts', '--limit', '1', '--before', 'WyJhIl0'], pages);
    expect(last.calls[1].path).toBe('/v1/admin/identity-conflicts?limit=1&before=WyJhIl0');
    expect(last.stdout).not.toContain('More follow');
    expect(JSON.parse((await cdp(['identity', 'conflicts', '--json'], pages)).stdout)).toEqual({ conflicts: [conflict], next: 'WyJhIl0' });
  });
});

describe('cdp sql', () => {
  const answering = (rows: object[], truncated: boolean): FakeRoute => ({ method, path }) =>
    method === 'POST' && path === '/v1/admin/sql' ? { status: 200, body: { rows, truncated } } : undefined;

  it('prints a table, and says when rows were cut off, failing, so that a partial export is not taken for a whole one', async () => {
    const result = await cdp(['sql', 'SELECT n FROM t'], answering([{ n: '1' }, { n: '2' }], true));
    expect(result).toMatchObject({ code: 1, stdout: expect.stringContaining('(2 rows; more were cut off: add a LIMIT)') });
    expect((await cdp(['sql', 'SELECT n FROM t'], answering([{ n: '1' }], false))).code).toBe(0);
  });

  it('--json keeps stdout JSON, and says on stderr when rows were cut off, exiting 1', async () => {
    const cut = await cdp(['sql', '--json', 'SELECT n FROM t'], answering([{ n: '1' }], true));
    expect(JSON.parse(cut.stdout)).toEqual([{ n: '1' }]);
    expect(cut).toMatchObject({ code: 1, stderr: 'cdp: only the first 1 rows were printed; more were cut off: add a LIMIT, or export in parts with WHERE ranges' });
    expect(await cdp(['sql', '--json', 'SELECT n FROM t'], answering([{ n: '1' }], false))).toMatchObject({ code: 0, stderr: '' });
  });
});
