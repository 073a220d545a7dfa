const DEFAULT_FIRST_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 30_000;

export interface RetryDelays {
  readonly reconnectDelayMs?: number | undefined;
  readonly maxReconnectDelayMs?: number | undefined;
}

/** Delays between attempts that double with each consecutive failure, up to a cap. */
export class Backoff {
  private failures = 0;

  constructor(private readonly delays: RetryDelays) {}

  /** The delay before the next attempt; `suggestedMs` (the server's) applies unless the caller chose a first delay. */
  next(suggestedMs?: number): number {
    const first = this.delays.reconnectDelayMs ?? suggestedMs ?? DEFAULT_FIRST_DELAY_MS;
    const ms = Math.min(first * 2 ** this.failures, this.delays.maxReconnectDelayMs ?? DEFAULT_MAX_DELAY_MS);
    this.failures += 1;
    // Jitter, so that the clients a server restart dropped do not all come back at the same moment.
    return ms / 2 + (Math.random() * ms) / 2;
  }

  reset(): void {
    this.failures = 0;
  }
}

/** Waits, or less when the signal aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}

/** The subscriber's onError, or console.error; an onError that throws cannot stop the subscription. */
export function reporter(onError: ((error: unknown) => void) | undefined): (error: unknown) => void {
  const report = onError ?? ((error: unknown) => console.error('[@cdp/client]', error));
  return (error) => {
    try {
      report(error);
    } catch {
      // The subscription must go on; the subscriber's error handler is theirs to fix.
    }
  };
}

export interface Retrying extends RetryDelays {
  readonly report: (error: unknown) => void;
  /** Waits between attempts (Kafka keeps its group session alive meanwhile). */
  readonly wait: (ms: number) => Promise<void>;
  /** True once attempting should stop: the subscription is closing, or lost the partition. */
  readonly stopped: () => boolean;
}

/** Attempts until an attempt resolves, reporting each failure; false when stopped first. */
export async function retryUntilDone(attempt: (attemptNumber: number) => Promise<void>, retrying: Retrying): Promise<boolean> {
  const backoff = new Backoff(retrying);
  for (let attemptNumber = 1; !retrying.stopped(); attemptNumber += 1) {
    try {
      await attempt(attemptNumber);
      return true;
    } catch (error) {
      retrying.report(error);
      await retrying.wait(backoff.next());
    }
  }
  return false;
}

/** Resolves once the signal aborts. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
