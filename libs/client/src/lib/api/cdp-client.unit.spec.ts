import { CdpApiError } from '../http/cdp-api-error';
import { createCdpClient } from './cdp-client';

/** A fetch that answers `body` with `status` and records the requests. */
function answering(status: number, body: unknown) {
  return jest.fn(async (_input: string | URL | Request, _init?: RequestInit) => Response.json(body, { status }));
}

function requestOf(fetch: ReturnType<typeof answering>, call = 0) {
  const [input, init] = fetch.mock.calls[call];
  return { url: String(input), method: init?.method, headers: init?.headers as Record<string, string>, body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) };
}

describe('createCdpClient', () => {
  it('posts touchpoints as a batch and answers the accepted ones in order', async () => {
    const accepted = [{ eventId: '0b7f2c1e-8d1c-4c6e-9a39-3f1c2d4e5f60', position: '17', duplicate: false }];
    const fetch = answering(202, { touchpoints: accepted });
    const client = createCdpClient({ baseUrl: 'https://cdp.test/', fetch, headers: { authorization: 'Bearer t' } });
    const touchpoint = { type: 'visit', source: 'web', occurredAt: '2026-11-22T08:30:00Z', identifiers: { deviceId: 'dev-5f2a' }, payload: { channel: 'web' } };

    await expect(client.sendTouchpoints([touchpoint])).resolves.toEqual(accepted);
    expect(requestOf(fetch)).toEqual({
      url: 'https://cdp.test/v1/touchpoints',
      method: 'POST',
      headers: { authorization: 'Bearer t', accept: 'application/json', 'content-type': 'application/json' },
      body: { touchpoints: [touchpoint] },
    });
  });

  it('answers undefined for an unknown customer, but throws for a route the platform does not serve', async () => {
    const unknown = answering(404, { error: 'CUSTOMER.NOT_FOUND', message: 'no customer with id cus_x' });
    await expect(createCdpClient({ baseUrl: 'https://cdp.test', fetch: unknown }).customer('cus/x')).resolves.toBeUndefined();
    expect(requestOf(unknown).url).toBe('https://cdp.test/v1/customers/cus%2Fx');

    const noRoute = answering(404, { error: 'HTTP.NOT_FOUND', message: 'Cannot GET /v1/customers/cus_x' });
    await expect(createCdpClient({ baseUrl: 'https://cdp.test', fetch: noRoute }).customer('cus_x')).rejects.toMatchObject({
      status: 404,
      code: 'HTTP.NOT_FOUND',
      message: 'Cannot GET /v1/customers/cus_x',
    });
  });

  it('refuses an empty customer id itself, which would ask the lookup by identifier instead', async () => {
    const fetch = answering(200, {});
    const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch });
    await expect(client.customer('')).rejects.toThrow('a customer id must not be empty');
    await expect(client.loyalty('')).rejects.toThrow('a customer id must not be empty');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('looks a customer up by an identifier', async () => {
    const fetch = answering(200, { customerId: 'cus_1' });
    await createCdpClient({ baseUrl: 'https://cdp.test', fetch }).customerByIdentifier('email', 'sara+cdp@example.com');
    expect(new URL(requestOf(fetch).url).searchParams.get('identifier')).toBe('email:sara+cdp@example.com');
  });

  it('redeems points, and throws a CdpApiError with the code and the body when they do not cover it', async () => {
    const fetch = answering(409, { error: 'LOYALTY.INSUFFICIENT_POINTS', message: '500 points were asked for and 120 are available', available: 120, requested: 500 });
    const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch });

    const failure = await client.redeemPoints('cus_1', { points: 500, idempotencyKey: 'pos-12-receipt-8841' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CdpApiError);
    expect(failure).toMatchObject({ status: 409, code: 'LOYALTY.INSUFFICIENT_POINTS', body: { available: 120 } });
    expect(requestOf(fetch)).toMatchObject({ url: 'https://cdp.test/v1/customers/cus_1/loyalty/redemptions', method: 'POST', body: { points: 500, idempotencyKey: 'pos-12-receipt-8841' } });
  });

  it('calls the loyalty and RFM endpoints', async () => {
    const fetch = answering(200, {});
    const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch });
    await client.loyalty('cus_1');
    await client.loyaltyLedger('cus_1', { limit: 10 });
    await client.rfm('cus_1');
    await client.rfmSegments();
    await client.runRfm({ windowDays: 90 });

    expect(fetch.mock.calls.map((_, i) => `${requestOf(fetch, i).method} ${requestOf(fetch, i).url}`)).toEqual([
      'GET https://cdp.test/v1/customers/cus_1/loyalty',
      'GET https://cdp.test/v1/customers/cus_1/loyalty/ledger?limit=10',
      'GET https://cdp.test/v1/customers/cus_1/rfm',
      'GET https://cdp.test/v1/segments/rfm',
      'POST https://cdp.test/v1/segments/rfm/runs',
    ]);
    expect(requestOf(fetch, 4).body).toEqual({ windowDays: 90 });
  });

  it('asks for a page of the timeline or the ledger after the cursor given', async () => {
    const fetch = answering(200, {});
    const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch });
    await client.timeline('cus_1');
    await client.timeline('cus_1', { limit: 2, before: 'WyIyMDI2Il0' });
    await client.loyaltyLedger('cus_1', { before: 'WyIyMDI2Il0' });

    expect(fetch.mock.calls.map((_, i) => requestOf(fetch, i).url)).toEqual([
      'https://cdp.test/v1/customers/cus_1/timeline',
      'https://cdp.test/v1/customers/cus_1/timeline?limit=2&before=WyIyMDI2Il0',
      'https://cdp.test/v1/customers/cus_1/loyalty/ledger?before=WyIyMDI2Il0',
    ]);
  });

  it('answers undefined before RFM has scored the customer or run at all', async () => {
    const notScored = answering(404, { error: 'RFM.NOT_SCORED', message: 'customer cus_1 has no RFM scores' });
    await expect(createCdpClient({ baseUrl: 'https://cdp.test', fetch: notScored }).rfm('cus_1')).resolves.toBeUndefined();
    const noRun = answering(404, { error: 'RFM.NO_RUN_YET', message: 'RFM has not run yet' });
    await expect(createCdpClient({ baseUrl: 'https://cdp.test', fetch: noRun }).rfmSegments()).resolves.toBeUndefined();
  });

  it('names the request when the error body says nothing', async () => {
    const fetch = jest.fn(async () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(createCdpClient({ baseUrl: 'https://cdp.test', fetch }).rfmSegments()).rejects.toMatchObject({
      status: 502,
      code: 'HTTP.502',
      message: 'GET /v1/segments/rfm answered 502 Bad Gateway',
      body: '<html>bad gateway</html>',
    });
  });

  describe('a call of its own deadline or cancellation', () => {
    /** A fetch that never answers: it rejects when its request is aborted, with the abort's reason, as fetch does. */
    const hanging = () =>
      jest.fn(
        (_input: string | URL | Request, init?: RequestInit) =>
          new Promise<Response>((_resolve, reject) => {
            if (init?.signal?.aborted) reject(init.signal.reason);
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
          }),
      );

    it('is aborted by the caller\'s signal, with its reason, within the client\'s timeout', async () => {
      const fetch = hanging();
      const caller = new AbortController();
      const answer = createCdpClient({ baseUrl: 'https://cdp.test', fetch }).customer('cus_1', { signal: caller.signal });
      caller.abort(new Error('the page was left'));
      await expect(answer).rejects.toThrow('the page was left');
    });

    it('fails at its own timeout rather than the client\'s', async () => {
      const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch: hanging(), timeoutMs: 60_000 });
      await expect(client.runRfm({}, { timeoutMs: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
    });

    it('refuses a timeout no timer can keep', async () => {
      expect(() => createCdpClient({ baseUrl: 'https://cdp.test', timeoutMs: Infinity })).toThrow('timeoutMs must be a whole number of milliseconds from 1 to 2147483647, not Infinity');
      const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch: hanging() });
      await expect(client.rfmSegments({ timeoutMs: 2 ** 31 })).rejects.toThrow(RangeError);
    });

    it('still times out with a signal that never aborts, and without AbortSignal.any (older browsers)', async () => {
      const any = AbortSignal.any;
      try {
        Object.defineProperty(AbortSignal, 'any', { value: undefined, configurable: true });
        const client = createCdpClient({ baseUrl: 'https://cdp.test', fetch: hanging(), timeoutMs: 20 });
        await expect(client.timeline('cus_1', {}, { signal: new AbortController().signal })).rejects.toMatchObject({ name: 'TimeoutError' });
        const caller = new AbortController();
        caller.abort(new Error('already gone'));
        await expect(client.loyalty('cus_1', { signal: caller.signal })).rejects.toThrow('already gone');
        // A call that is over lets go of a long-lived signal of the caller's: each listener it added is removed.
        const session = new AbortController();
        const listeners = new Map<unknown, { removed: () => boolean }>();
        const { addEventListener, removeEventListener } = session.signal;
        session.signal.addEventListener = ((type: string, listener: unknown, options?: { signal?: AbortSignal }) => {
          listeners.set(listener, { removed: () => options?.signal?.aborted === true });
          addEventListener.call(session.signal, type, listener as () => void, options);
        }) as typeof addEventListener;
        session.signal.removeEventListener = ((type: string, listener: unknown) => {
          listeners.set(listener, { removed: () => true });
          removeEventListener.call(session.signal, type, listener as () => void);
        }) as typeof removeEventListener;
        await createCdpClient({ baseUrl: 'https://cdp.test', fetch: answering(200, { customerId: 'cus_1' }) }).customer('cus_1', { signal: session.signal });
        expect(listeners.size).toBe(1);
        expect([...listeners.values()].every(({ removed }) => removed())).toBe(true);
      } finally {
        Object.defineProperty(AbortSignal, 'any', { value: any, configurable: true });
      }
    }, 5_000);
  });
});
