import type { EventLog, RecordedEvent } from '@cdp/event-log';
import { streamId } from '@cdp/events';
import { evolveLoyaltyAccount, initialLoyaltyAccount, LOYALTY_ACCOUNT_EVENT_TYPES, type LoyaltyAccountEvent, type LoyaltyAccountState } from '@cdp/loyalty';

/** A customer's loyalty account stream: "loyalty-<customerId>". */
export function loyaltyAccountStreamId(customerId: string): string {
  return streamId('loyalty', customerId);
}

export function isLoyaltyAccountEvent(event: { readonly type: string }): event is RecordedEvent<LoyaltyAccountEvent['data']> & LoyaltyAccountEvent {
  return (LOYALTY_ACCOUNT_EVENT_TYPES as readonly string[]).includes(event.type);
}

export interface LoadedAccount {
  readonly state: LoyaltyAccountState;
  /** The stream position of its last event, or 'no_stream': what the next append expects. */
  readonly version: number | 'no_stream';
}

const PAGE = 5_000;

/** Folds a customer's account stream: all of it, or what follows `known`, an earlier fold of it. */
export async function loadLoyaltyAccount(eventStore: EventLog, customerId: string, known?: LoadedAccount): Promise<LoadedAccount> {
  const stream = loyaltyAccountStreamId(customerId);
  let state = known?.state ?? initialLoyaltyAccount(customerId);
  let version: number | 'no_stream' = known?.version ?? 'no_stream';
  for (;;) {
    const events = await eventStore.readStream(stream, { fromPosition: version === 'no_stream' ? 0 : version + 1, maxCount: PAGE });
    for (const event of events) {
      if (isLoyaltyAccountEvent(event)) state = evolveLoyaltyAccount(state, event);
      version = event.streamPosition;
    }
    if (events.length < PAGE) return { state, version };
  }
}
