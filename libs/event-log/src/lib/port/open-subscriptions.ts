import type { Subscription } from './event-log.port';

/** The subscriptions an adapter has handed out, so that closing the log closes them all. */
export function openSubscriptions() {
  const open = new Set<Subscription>();
  return {
    track(subscription: Subscription): Subscription {
      open.add(subscription);
      return {
        ...(subscription.partitions && { partitions: () => subscription.partitions!() }),
        async close() {
          open.delete(subscription);
          await subscription.close();
        },
      };
    },
    /** How many are open. */
    count(): number {
      return open.size;
    },
    async closeAll(): Promise<void> {
      const closing = [...open].map((s) => s.close());
      open.clear();
      await Promise.all(closing);
    },
  };
}
