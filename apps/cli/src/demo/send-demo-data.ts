import { demoShowcaseCustomer, generateDemoJourneys, generateDemoTouchpoints, type DemoTouchpoint } from '@cdp/demo-data';
import type { PlatformClient } from '../platform-client/platform-client';
import { PlatformRequestError, PlatformUnreachableError } from '../platform-client/platform-client.errors';
import { CliError } from '../shared/cli-error';
import { sleep } from '../shared/polling';

export interface DemoOptions {
  readonly customers: number;
  readonly seed: string;
  /** Touchpoints per request; the platform takes up to 1,000. */
  readonly batchSize: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** The end of the two years of data: now, read at the edge. */
  readonly end: Date;
}

export interface DemoProgressListener {
  /** The platform answered; the data is being generated (a few seconds for 10,000 customers). */
  generating?(): void;
  /** The touchpoints to send, counted before the first is sent. */
  started?(total: number): void;
  sent?(sent: number, total: number): void;
  /** A request failed and is retried (safe: the event ids make it idempotent). */
  retrying?(error: Error, attempt: number): void;
}

export interface DemoSummary {
  readonly platformUrl: string;
  readonly customers: number;
  /** Touchpoints the platform answered 202 for. */
  readonly touchpoints: number;
  /** Of those, the ones appended now. */
  readonly accepted: number;
  /** Of those, the ones it already had (the same seed sent before): no-ops. */
  readonly duplicates: number;
  readonly elapsedMs: number;
  /** The customer whose profile the demo shows. */
  readonly showcase: { readonly name: string; readonly email: string; readonly touchpoints: number };
}

export interface DemoDependencies {
  readonly client: PlatformClient;
  readonly listener?: DemoProgressListener;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRIES = 6;

/**
 * `cdp demo`'s use case: generates the demo touchpoints and posts them through the public ingest
 * API (POST /v1/touchpoints), a batch at a time with a few requests in flight. Batches that fail
 * on the way (5xx, a lost connection) are retried: every touchpoint has its event id, so a retry
 * never appends twice. A refused batch (400) stops everything: it is a bug, not bad luck.
 */
export async function sendDemoData(options: DemoOptions, deps: DemoDependencies): Promise<DemoSummary> {
  const { client, listener = {} } = deps;
  const now = deps.now ?? Date.now;
  const wait = deps.sleep ?? sleep;
  const dataOptions = { customers: options.customers, seed: options.seed, end: options.end };

  await client.health(); // fails fast, with what to do, when nothing listens
  listener.generating?.();

  const showcase = demoShowcaseCustomer(dataOptions);
  let total = 0;
  let showcaseTouchpoints = 0;
  for (const { customer, touchpoints } of generateDemoJourneys(dataOptions)) {
    total += touchpoints.length;
    if (customer.index === showcase.index) showcaseTouchpoints = touchpoints.length;
  }
  listener.started?.(total);

  const startedAt = now();
  const source = generateDemoTouchpoints(dataOptions)[Symbol.iterator]();
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;
  let failure: Error | undefined;

  const nextBatch = (): DemoTouchpoint[] | undefined => {
    const batch: DemoTouchpoint[] = [];
    while (batch.length < options.batchSize) {
      const next = source.next();
      if (next.done) break;
      batch.push(next.value);
    }
    return batch.length > 0 ? batch : undefined;
  };

  const send = async (batch: readonly DemoTouchpoint[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.appendTouchpoints(batch);
      } catch (error) {
        if (!isTransient(error) || attempt > RETRIES) throw error;
        listener.retrying?.(error as Error, attempt);
        await wait(500 * 2 ** attempt);
      }
    }
  };

  const worker = async () => {
    for (let batch = nextBatch(); batch && !failure; batch = failure ? undefined : nextBatch()) {
      try {
        const answers = await send(batch);
        const dup = answers.filter((a) => a.duplicate).length;
        sent += answers.length;
        duplicates += dup;
        accepted += answers.length - dup;
        listener.sent?.(sent, total);
      } catch (error) {
        failure ??= error as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

  if (failure) throw explain(failure, sent, total, client.baseUrl);
  return {
    platformUrl: client.baseUrl,
    customers: options.customers,
    touchpoints: sent,
    accepted,
    duplicates,
    elapsedMs: now() - startedAt,
    showcase: { name: `${showcase.firstName} ${showcase.lastName}`, email: showcase.identifiers.email, touchpoints: showcaseTouchpoints },
  };
}

function isTransient(error: unknown): boolean {
  return error instanceof PlatformUnreachableError || (error instanceof PlatformRequestError && (error.status === 0 || error.status >= 500));
}

function explain(error: Error, sent: number, total: number, url: string): Error {
  if (!(error instanceof CliError)) return error;
  const rerun = 'Run the same command again: touchpoints already accepted are recognised by their event ids and skipped.';
  if (error instanceof PlatformUnreachableError) {
    return new CliError(error.code, `The platform at ${url} stopped answering after ${sent} of ${total} touchpoints: start it again (\`npm start\`). ${rerun}`);
  }
  if (error.code === 'CLI.TOUCHPOINTS_REFUSED') {
    return new CliError(error.code, `${error.message}. The demo data does not fit the platform's schemas: are the CLI and the platform the same version?`);
  }
  return new CliError(error.code, `${error.message} (after ${sent} of ${total} touchpoints). ${rerun}`);
}
