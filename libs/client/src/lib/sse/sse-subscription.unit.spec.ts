import type { CustomerChange } from '@cdp/feed';
import { ChangeHandlerError, CustomerFeedError, type ChangeContext, type CustomerChangeHandler, type CustomerSubscription, type SseSubscribeOptions } from '../customer-subscription';
import { CdpApiError } from '../http/cdp-api-error';
import { customerStreamUrl, sseSubscription } from './sse-subscription';

const BASE_URL = 'https://cdp.test/api/';

function change(customerId: string, version: number, overrides: Partial<CustomerChange> = {}): CustomerChange {
  return {
    eventId: `${customerId}-${version}`,
    type: 'ProfileChanged',
    customerId,
    version,
    changedAt: '2026-11-20T10:15:00.000Z',
    changedFields: ['traits.firstName'],
    mergedInto: null,
    segment: null,
    tier: null,
    state: null,
    ...overrides,
  };
}

function sseEvent(id: string, body: CustomerChange): string {
  return `id: ${id}\nevent: ${body.type}\ndata: ${JSON.stringify(body)}\n\n`;
}

interface Answer {
  readonly chunks?: readonly (string | Uint8Array)[];
  /** Leave the stream open after the chunks, as a live server does. */
  readonly open?: boolean;
  readonly status?: number;
  readonly json?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A fetch that answers the queued answers in turn (the last one again when they run out), and records the requests. */
function fakeServer(...answers: Answer[]) {
  const requests: { url: URL; headers: Record<string, string> }[] = [];
  const fetch = jest.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push({ url: new URL(String(input)), headers: init?.headers as Record<string, string> });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
    if (answer.json !== undefined) return Response.json(answer.json, { status: answer.status ?? 200, headers: answer.headers });
    if (answer.status !== undefined) return new Response('', { status: answer.status });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of answer.chunks ?? []) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
        if (!answer.open) controller.close();
        // As fetch does: aborting the request errors its body.
        init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8', ...answer.headers } });
  });
  return { fetch, requests };
}

function options(fetch: typeof globalThis.fetch, overrides: Partial<SseSubscribeOptions> = {}): SseSubscribeOptions {
  return { transport: { sse: { baseUrl: BASE_URL, fetch } }, reconnectDelayMs: 1, onError: () => undefined, ...overrides };
}

async function eventually(assertion: () => void, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Splits bytes at the given offsets. */
function splitAt(text: string, offsets: readonly number[]): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  return [0, ...offsets].map((start, i) => bytes.subarray(start, offsets[i] ?? bytes.length));
}

describe('sseSubscription', () => {
  const subscriptions: CustomerSubscription[] = [];
  /** Closed after each spec, even a failed one, so that no reconnect loop outlives it. */
  function subscribe(subscribeOptions: SseSubscribeOptions, handler: CustomerChangeHandler): CustomerSubscription {
    const subscription = sseSubscription(subscribeOptions, handler);
    subscriptions.push(subscription);
    return subscription;
  }
  afterEach(() => Promise.all(subscriptions.splice(0).map((subscription) => subscription.close())));

  it('hands over the changes of a stream split at awkward places, in order, with their ids', async () => {
    const first = change('cus_1', 1, { changedFields: ['traits.firstName'], state: null });
    const second = change('cus_2', 4, { type: 'CustomerMerged', mergedInto: 'cus_1', changedFields: [] });
    const third = change('cus_3', 2, { eventId: 'Zoë-😀' });
    const text = `retry: 3000\n\n${sseEvent('a1', first)}: heartbeat 2026-11-20T10:15:15.000Z\n\n${sseEvent('a2', second)}${sseEvent('a3', third)}`;
    // Inside "id:", between the \n\n, inside the 4-byte emoji and inside the ë.
    const emoji = new TextEncoder().encode(text.slice(0, text.indexOf('😀'))).length;
    const umlaut = new TextEncoder().encode(text.slice(0, text.indexOf('ë'))).length;
    const cuts = [14, text.indexOf('\n\n: heartbeat') + 1, 200, umlaut + 1, emoji + 1, emoji + 3].sort((a, b) => a - b);
    const { fetch } = fakeServer({ chunks: splitAt(text, cuts), open: true });
    const handled: [CustomerChange, ChangeContext][] = [];

    const subscription = subscribe(options(fetch), async (c, context) => {
      handled.push([c, context]);
    });
    await eventually(() => expect(handled).toHaveLength(3));
    await subscription.close();

    expect(handled).toEqual([
      [first, { id: 'a1' }],
      [second, { id: 'a2' }],
      [third, { id: 'a3' }],
    ]);
    expect(subscription.lastEventId()).toBe('a3');
    await expect(subscription.done).resolves.toBeUndefined();
  });

  it('awaits each handler before handing over the next change', async () => {
    const { fetch } = fakeServer({ chunks: [sseEvent('a1', change('cus_1', 1)) + sseEvent('a2', change('cus_1', 2))], open: true });
    const log: string[] = [];
    const subscription = subscribe(options(fetch), async (c) => {
      log.push(`start ${c.version}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`end ${c.version}`);
    });
    await eventually(() => expect(log).toHaveLength(4));
    await subscription.close();
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('sends the filters and where to begin in the query string', () => {
    const url = new URL(customerStreamUrl(BASE_URL, { types: ['ProfileChanged', 'CustomerMerged'], segment: 'Champions' }, 'start'));
    expect(url.origin + url.pathname).toBe('https://cdp.test/api/v1/stream/customers');
    expect(Object.fromEntries(url.searchParams)).toEqual({ types: 'ProfileChanged,CustomerMerged', segment: 'Champions', from: 'start' });
    expect(new URL(customerStreamUrl(BASE_URL, { types: [] }, undefined)).search).toBe('');
  });

  it('begins from now by default, and resumes after a given event id with Last-Event-ID rather than from', async () => {
    const { fetch, requests } = fakeServer({ open: true });
    const fromNow = subscribe(options(fetch, { filter: { segment: 'At Risk' } }), () => undefined);
    const resumed = subscribe(options(fetch, { from: { lastEventId: 'a41' } }), () => undefined);
    await eventually(() => expect(requests).toHaveLength(2));
    await Promise.all([fromNow.close(), resumed.close()]);

    expect(requests[0].url.searchParams.get('from')).toBe('now');
    expect(requests[0].url.searchParams.get('segment')).toBe('At Risk');
    expect(requests[0].headers['last-event-id']).toBeUndefined();
    expect(requests[0].headers.accept).toBe('text/event-stream');
    expect(requests[1].url.searchParams.has('from')).toBe(false);
    expect(requests[1].headers['last-event-id']).toBe('a41');
    expect(resumed.lastEventId()).toBe('a41');
  });

  it('reconnects after a dropped connection with the Last-Event-ID of the last change handled', async () => {
    const { fetch, requests } = fakeServer(
      // The second event is cut off by the drop: it was never handed over.
      { chunks: [sseEvent('a1', change('cus_1', 1)), sseEvent('a2', change('cus_1', 2)).slice(0, 30)] },
      { chunks: [sseEvent('a2', change('cus_1', 2)), sseEvent('a3', change('cus_1', 3))], open: true },
    );
    const versions: number[] = [];
    const subscription = subscribe(options(fetch, { from: 'start', filter: { types: ['ProfileChanged'] } }), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(versions).toEqual([1, 2, 3]));
    await subscription.close();

    expect(requests).toHaveLength(2);
    expect(requests[0].url.searchParams.get('from')).toBe('start');
    expect(requests[1].headers['last-event-id']).toBe('a1');
    expect(requests[1].url.searchParams.has('from')).toBe(false);
    expect(requests[1].url.searchParams.get('types')).toBe('ProfileChanged');
  });

  it('resumes at the position the server gives, at the start and past changes the filter left out, handing it to no handler', async () => {
    const { fetch, requests } = fakeServer(
      { chunks: ['event: position\nid: a40\ndata: {}\n\n'] },
      { chunks: [sseEvent('a41', change('cus_1', 1)), ': heartbeat\n\nevent: position\nid: a45\ndata: {}\n\n'] },
      { open: true },
    );
    const versions: number[] = [];
    const subscription = subscribe(options(fetch), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(requests).toHaveLength(3));
    await subscription.close();

    expect(versions).toEqual([1]);
    expect(requests[0].url.searchParams.get('from')).toBe('now');
    expect(requests[1].headers['last-event-id']).toBe('a40');
    expect(requests[2].headers['last-event-id']).toBe('a45');
  });

  it('reports a disconnect by the server and resumes after the last change handled', async () => {
    const { fetch, requests } = fakeServer(
      { chunks: [sseEvent('a1', change('cus_1', 1)), 'event: disconnect\ndata: {"code":"FEED.SLOW_CONSUMER","reason":"the buffer is full"}\n\n'], open: true },
      { chunks: [sseEvent('a2', change('cus_1', 2))], open: true },
    );
    const errors: unknown[] = [];
    const versions: number[] = [];
    const subscription = subscribe(options(fetch, { onError: (error) => errors.push(error) }), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(versions).toEqual([1, 2]));
    await subscription.close();

    expect(requests[1].headers['last-event-id']).toBe('a1');
    expect(errors).toEqual([expect.any(CustomerFeedError)]);
    expect(errors[0]).toMatchObject({ code: 'FEED.SLOW_CONSUMER', message: expect.stringContaining('the buffer is full') });
  });

  it('reports changes the feed pruned after the position it resumed at, and goes on with the changes', async () => {
    const { fetch } = fakeServer({
      chunks: ['event: pruned\ndata: {"code":"FEED.CHANGES_PRUNED","prunedThrough":"9:90","reason":"changes up to event 9:90 are gone"}\n\n', sseEvent('9:95', change('cus_1', 7))],
      open: true,
    });
    const errors: unknown[] = [];
    const versions: number[] = [];
    const subscription = subscribe(options(fetch, { from: { lastEventId: '5:50' }, onError: (error) => errors.push(error) }), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(versions).toEqual([7]));
    await subscription.close();

    expect(errors).toEqual([expect.any(CustomerFeedError)]);
    expect(errors[0]).toMatchObject({ code: 'FEED.CHANGES_PRUNED', message: 'changes up to event 9:90 are gone' });
    expect(subscription.lastEventId()).toBe('9:95');
  });

  it('does not advance past a change whose handler throws, and hands it over again', async () => {
    const { fetch } = fakeServer({ chunks: [sseEvent('a1', change('cus_1', 1)), sseEvent('a2', change('cus_1', 2)), sseEvent('a3', change('cus_1', 3))], open: true });
    const errors: unknown[] = [];
    const calls: number[] = [];
    const idsWhileFailing: (string | undefined)[] = [];
    const subscription = subscribe(options(fetch, { onError: (error) => errors.push(error) }), (c) => {
      calls.push(c.version);
      if (c.version === 2 && calls.filter((v) => v === 2).length < 3) {
        idsWhileFailing.push(subscription.lastEventId());
        throw new Error('database down');
      }
    });
    await eventually(() => expect(subscription.lastEventId()).toBe('a3'));
    await subscription.close();

    expect(calls).toEqual([1, 2, 2, 2, 3]);
    expect(idsWhileFailing).toEqual(['a1', 'a1']);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toBeInstanceOf(ChangeHandlerError);
    expect(errors[1]).toMatchObject({ attempt: 2, context: { id: 'a2' }, change: { version: 2 }, cause: new Error('database down') });
  });

  it('leaves the last event id at the last change handled when closed while a handler keeps failing, to resume there', async () => {
    const { fetch, requests } = fakeServer({ chunks: [sseEvent('a1', change('cus_1', 1)), sseEvent('a2', change('cus_1', 2))], open: true });
    const failing = subscribe(options(fetch), (c) => {
      if (c.version === 2) throw new Error('bug');
    });
    await eventually(() => expect(fetch).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await failing.close();
    expect(failing.lastEventId()).toBe('a1');

    const restarted = subscribe(options(fetch, { from: { lastEventId: failing.lastEventId()! } }), () => undefined);
    await eventually(() => expect(requests).toHaveLength(2));
    await restarted.close();
    expect(requests[1].headers['last-event-id']).toBe('a1');
  });

  it('skips changes of types it does not know, advancing past them', async () => {
    const unknown = { ...change('cus_1', 2), type: 'ConsentWithdrawn' } as unknown as CustomerChange;
    const { fetch } = fakeServer({ chunks: [sseEvent('a1', change('cus_1', 1)), sseEvent('a2', unknown)], open: true });
    const versions: number[] = [];
    const subscription = subscribe(options(fetch), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(subscription.lastEventId()).toBe('a2'));
    await subscription.close();
    expect(versions).toEqual([1]);
  });

  it('stops on a 4xx answer without retrying it', async () => {
    const body = { code: 'FEED.INVALID_FILTER', message: 'types: unknown type "Nope"', errors: [{ path: 'types', message: 'unknown type "Nope"' }] };
    const { fetch } = fakeServer({ status: 400, json: body });
    const errors: unknown[] = [];
    const subscription = subscribe(options(fetch, { onError: (error) => errors.push(error) }), () => undefined);

    const failure = await subscription.done.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CdpApiError);
    expect(failure).toMatchObject({ status: 400, code: 'FEED.INVALID_FILTER', message: 'types: unknown type "Nope"', body });
    expect(errors).toEqual([failure]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fetch).toHaveBeenCalledTimes(1);
    await subscription.close();
  });

  it('retries 5xx answers and network errors', async () => {
    const { fetch: server } = fakeServer({ status: 503, json: { error: 'UNAVAILABLE', message: 'starting' } }, { chunks: [sseEvent('a1', change('cus_1', 1))], open: true });
    let calls = 0;
    const fetch = jest.fn((input: string | URL | Request, init?: RequestInit) => (++calls === 1 ? Promise.reject(new TypeError('fetch failed')) : server(input, init)));
    const errors: unknown[] = [];
    const versions: number[] = [];
    const subscription = subscribe(options(fetch, { onError: (error) => errors.push(error) }), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(versions).toEqual([1]));
    await subscription.close();

    expect(fetch).toHaveBeenCalledTimes(3);
    expect(errors).toEqual([new TypeError('fetch failed'), expect.objectContaining({ status: 503, code: 'UNAVAILABLE' })]);
  });

  it('waits as long as a refusal\'s Retry-After asks before it connects again', async () => {
    const full = { status: 503, json: { error: 'FEED.TOO_MANY_SUBSCRIBERS', message: 'full' }, headers: { 'retry-after': '1' } };
    const { fetch: server } = fakeServer(full, { chunks: [sseEvent('a1', change('cus_1', 1))], open: true });
    const calledAt: number[] = [];
    const fetch = jest.fn((input: string | URL | Request, init?: RequestInit) => {
      calledAt.push(Date.now());
      return server(input, init);
    });
    const errors: unknown[] = [];
    const versions: number[] = [];
    const subscription = subscribe(options(fetch, { onError: (error) => errors.push(error) }), (c) => {
      versions.push(c.version);
    });
    await eventually(() => expect(versions).toEqual([1]), 3_000);
    await subscription.close();

    expect(errors).toEqual([expect.objectContaining({ status: 503, code: 'FEED.TOO_MANY_SUBSCRIBERS', retryAfterMs: 1_000 })]);
    expect(calledAt[1] - calledAt[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('drops a connection that sends nothing, not even heartbeats, and makes it again', async () => {
    const { fetch } = fakeServer({ chunks: [': heartbeat\n\n'], open: true });
    const errors: unknown[] = [];
    const subscription = subscribe(
      { ...options(fetch, { onError: (error) => errors.push(error) }), transport: { sse: { baseUrl: BASE_URL, fetch, idleTimeoutMs: 20 } } },
      () => undefined,
    );
    await eventually(() => expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(2));
    await subscription.close();
    expect(errors[0]).toMatchObject({ code: 'FEED.IDLE_TIMEOUT' });
  });

  it('waits for three of the heartbeats the server says it sends, when they are slower than its own timeout allows for', async () => {
    const { fetch } = fakeServer({ chunks: [': heartbeat\n\n'], open: true, headers: { 'cdp-heartbeat-seconds': '0.1' } });
    const errors: unknown[] = [];
    const subscription = subscribe(
      { ...options(fetch, { onError: (error) => errors.push(error) }), transport: { sse: { baseUrl: BASE_URL, fetch, idleTimeoutMs: 20 } } },
      () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(errors).toEqual([]);
    await eventually(() => expect(errors[0]).toMatchObject({ code: 'FEED.IDLE_TIMEOUT', message: 'the stream sent nothing, not even a heartbeat, for 300 ms' }));
    await subscription.close();
  });
});
