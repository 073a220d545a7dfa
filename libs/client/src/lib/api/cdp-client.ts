import type { IdentifierType } from '@cdp/identity';
import { CdpApiError } from '../http/cdp-api-error';
import { endpoint } from '../http/endpoint';
import type {
  AcceptedTouchpoint,
  CustomerLoyalty,
  CustomerRfm,
  CustomerView,
  LoyaltyLedger,
  PageRequest,
  RedeemPointsRequest,
  RedemptionResult,
  RfmRun,
  RfmSegments,
  RunRfmRequest,
  Timeline,
  TouchpointInput,
} from './cdp-api.types';

export interface CdpClientOptions {
  /** The platform's API, e.g. `https://cdp.example.com`. */
  readonly baseUrl: string;
  readonly fetch?: typeof fetch | undefined;
  /** Sent with every request, e.g. `authorization`. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** A request not answered within this fails with a TimeoutError; default 60 s. */
  readonly timeoutMs?: number | undefined;
}

/** The last argument of every call: its own deadline or cancellation. */
export interface CallOptions {
  /** Aborts the request (the call rejects with the signal's reason), e.g. when the page or the caller's own request goes away. */
  readonly signal?: AbortSignal | undefined;
  /** This call's deadline instead of the client's timeoutMs: runRfm on a million customers takes over a minute. */
  readonly timeoutMs?: number | undefined;
}

/**
 * Typed calls of the platform's HTTP API. Any answer other than 2xx throws a CdpApiError with the
 * platform's error code (`CUSTOMER.NOT_FOUND`, `LOYALTY.INSUFFICIENT_POINTS`, ...), except the
 * absences listed, which resolve to undefined. Network failures and timeouts reject with fetch's
 * errors. Nothing is retried here: only sendTouchpoints with eventIds and redeemPoints (by its
 * idempotency key) are safe to send again.
 */
export interface CdpClient {
  /**
   * `POST /v1/touchpoints`: appends 1 to 1,000 touchpoints, all or none; the results come in the
   * order sent. A 400 lists every problem in `body.errors` (`{ index, path, message }`).
   */
  sendTouchpoints(touchpoints: readonly TouchpointInput[], options?: CallOptions): Promise<readonly AcceptedTouchpoint[]>;
  /** `GET /v1/customers/{id}`; undefined for an unknown id. A merged id answers with its survivor. */
  customer(id: string, options?: CallOptions): Promise<CustomerView | undefined>;
  /** `GET /v1/customers?identifier=type:value` (the value is normalised as on ingestion); undefined when nobody has it. */
  customerByIdentifier(type: IdentifierType, value: string, options?: CallOptions): Promise<CustomerView | undefined>;
  /** `GET /v1/customers/{id}/loyalty`. */
  loyalty(customerId: string, options?: CallOptions): Promise<CustomerLoyalty>;
  /**
   * `GET /v1/customers/{id}/timeline`: the latest `limit` touchpoints (1 to 1,000, default 50); the
   * older ones with `before` set to the answer's `next`, until it is null.
   */
  timeline(customerId: string, page?: PageRequest, options?: CallOptions): Promise<Timeline>;
  /** `GET /v1/customers/{id}/loyalty/ledger`: the latest `limit` entries (1 to 1,000, default 100), paged as the timeline is. */
  loyaltyLedger(customerId: string, page?: PageRequest, options?: CallOptions): Promise<LoyaltyLedger>;
  /**
   * `POST /v1/customers/{id}/loyalty/redemptions`: spends points, oldest lots first. Fails with
   * 409 `LOYALTY.INSUFFICIENT_POINTS` (`body.available`), 422 `LOYALTY.IDEMPOTENCY_KEY_REUSED`.
   */
  redeemPoints(customerId: string, request: RedeemPointsRequest, options?: CallOptions): Promise<RedemptionResult>;
  /** `GET /v1/customers/{id}/rfm`; undefined when the latest run did not score the customer. */
  rfm(customerId: string, options?: CallOptions): Promise<CustomerRfm | undefined>;
  /** `GET /v1/segments/rfm`; undefined before the first RFM run. */
  rfmSegments(options?: CallOptions): Promise<RfmSegments | undefined>;
  /** `POST /v1/segments/rfm/runs`: runs RFM and answers when it is done; 503 `RFM.PROJECTIONS_BEHIND` computed nothing. */
  runRfm(request?: RunRfmRequest, options?: CallOptions): Promise<RfmRun>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

function pageQuery({ limit, before }: PageRequest = {}): URLSearchParams {
  return new URLSearchParams({ ...(limit === undefined ? {} : { limit: String(limit) }), ...(before === undefined ? {} : { before }) });
}

export function createCdpClient(options: CdpClientOptions): CdpClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = timeoutOf(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  async function request<T>(method: 'GET' | 'POST', path: string, call: CallOptions = {}, query?: URLSearchParams, body?: unknown): Promise<T> {
    const signal = callSignal(AbortSignal.timeout(timeoutOf(call.timeoutMs ?? timeoutMs)), call.signal);
    try {
      const response = await fetchImpl(endpoint(options.baseUrl, path, query), {
        method,
        headers: { ...options.headers, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal.signal,
      });
      if (!response.ok) throw await CdpApiError.from(response, `${method} ${path}`);
      return (await response.json()) as T;
    } finally {
      signal.done();
    }
  }

  /** Undefined for a 404 with this code; any other 404 (a route the platform does not serve) still throws. */
  async function unlessAbsent<T>(answer: Promise<T>, code: string): Promise<T | undefined> {
    try {
      return await answer;
    } catch (error) {
      if (error instanceof CdpApiError && error.status === 404 && error.code === code) return undefined;
      throw error;
    }
  }

  const customerPath = (id: string) => {
    // "/v1/customers/" is the lookup by identifier, which would answer about a missing identifier.
    if (id === '') throw new TypeError('a customer id must not be empty');
    return `/v1/customers/${encodeURIComponent(id)}`;
  };

  return {
    async sendTouchpoints(touchpoints, call) {
      return (await request<{ touchpoints: AcceptedTouchpoint[] }>('POST', '/v1/touchpoints', call, undefined, { touchpoints })).touchpoints;
    },
    customer: async (id, call) => unlessAbsent(request<CustomerView>('GET', customerPath(id), call), 'CUSTOMER.NOT_FOUND'),
    customerByIdentifier: (type, value, call) =>
      unlessAbsent(request<CustomerView>('GET', '/v1/customers', call, new URLSearchParams({ identifier: `${type}:${value}` })), 'CUSTOMER.NOT_FOUND'),
    loyalty: async (customerId, call) => request('GET', `${customerPath(customerId)}/loyalty`, call),
    timeline: async (customerId, page, call) => request('GET', `${customerPath(customerId)}/timeline`, call, pageQuery(page)),
    loyaltyLedger: async (customerId, page, call) => request('GET', `${customerPath(customerId)}/loyalty/ledger`, call, pageQuery(page)),
    redeemPoints: async (customerId, redemption, call) => request('POST', `${customerPath(customerId)}/loyalty/redemptions`, call, undefined, redemption),
    rfm: async (customerId, call) => unlessAbsent(request<CustomerRfm>('GET', `${customerPath(customerId)}/rfm`, call), 'RFM.NOT_SCORED'),
    rfmSegments: (call) => unlessAbsent(request<RfmSegments>('GET', '/v1/segments/rfm', call), 'RFM.NO_RUN_YET'),
    runRfm: (run = {}, call) => request('POST', '/v1/segments/rfm/runs', call, undefined, run),
  };
}

/** Timers take at most 2^31 - 1 ms (about 24.8 days): a longer one fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function timeoutOf(ms: number): number {
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) throw new RangeError(`timeoutMs must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not ${ms}`);
  return ms;
}

/** The call's deadline, and the caller's signal when it gave one: whichever aborts first; `done` lets go of the caller's signal. */
function callSignal(deadline: AbortSignal, signal: AbortSignal | undefined): { signal: AbortSignal; done(): void } {
  if (signal === undefined) return { signal: deadline, done: () => undefined };
  if (typeof AbortSignal.any === 'function') return { signal: AbortSignal.any([signal, deadline]), done: () => undefined };
  // Browsers before 2024 lack AbortSignal.any: listeners, removed once the call is over.
  const either = new AbortController();
  const over = new AbortController();
  for (const one of [signal, deadline]) {
    if (one.aborted) either.abort(one.reason);
    else one.addEventListener('abort', () => either.abort(one.reason), { once: true, signal: over.signal });
  }
  return { signal: either.signal, done: () => over.abort() };
}
