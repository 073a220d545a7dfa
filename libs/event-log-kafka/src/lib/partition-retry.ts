const MAX_BACKOFF_MS = 5_000;

/**
 * Retrying a partition's batch that failed, inside kafkajs's eachBatch: seek back to the batch's
 * first message, pause the partition, and resume it after a pause that doubles with each failure
 * in a row (100 ms to 5 s). Nothing is skipped and nothing is committed past the failed batch.
 */
export function partitionRetry<Key>() {
  const backoffMs = new Map<Key, number>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  return {
    /** `seekBack` rewinds to the failed batch; `pause` pauses the partition and returns its resume. */
    later(key: Key, seekBack: () => void, pause: () => () => void): void {
      const wait = Math.min(Math.max((backoffMs.get(key) ?? 0) * 2, 100), MAX_BACKOFF_MS);
      backoffMs.set(key, wait);
      seekBack();
      const resume = pause();
      const timer = setTimeout(() => {
        resumeTimers.delete(timer);
        resume();
      }, wait);
      resumeTimers.add(timer);
    },
    succeeded(key: Key): void {
      backoffMs.delete(key);
    },
    /** Drops the pending resumes, when the consumer closes. */
    cancel(): void {
      for (const timer of resumeTimers) clearTimeout(timer);
      resumeTimers.clear();
    },
  };
}
