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
  let account = known ?? unopened(customerId);
  for (;;) {
    const events = await eventStore.readStream(stream, { fromPosition: nextPosition(account), maxCount: PAGE });
    account = fold(account, events);
    if (events.length < PAGE) return account;
  }
}

/** `loadLoyaltyAccount` for several accounts, with one read of all their streams. */
export async function loadLoyaltyAccounts(eventStore: EventLog, accounts: readonly { customerId: string; known?: LoadedAccount }[]): Promise<LoadedAccount[]> {
  if (accounts.length === 0) return [];
  const pages = await eventStore.readStreams(
    accounts.map(({ customerId, known }) => ({ streamId: loyaltyAccountStreamId(customerId), fromPosition: nextPosition(known ?? unopened(customerId)) })),
    { maxCount: PAGE },
  );
  return Promise.all(
    accounts.map(({ customerId, known }, i) => {
      const account = fold(known ?? unopened(customerId), pages[i]);
      return pages[i].length < PAGE ? account : loadLoyaltyAccount(eventStore, customerId, account);
    }),
  );
}

function unopened(customerId: string): LoadedAccount {
  return { state: initialLoyaltyAccount(customerId), version: 'no_stream' };
}

function nextPosition({ version }: LoadedAccount): number {
  return version === 'no_stream' ? 0 : version + 1;
}

function fold({ state, version }: LoadedAccount, events: readonly RecordedEvent[]): LoadedAccount {
  for (const event of events) {
    if (isLoyaltyAccountEvent(event)) state = evolveLoyaltyAccount(state, event);
    version = event.streamPosition;
  }
  return { state, version };
}
