import { setImmediate } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { ExpectedVersionConflictError, type EventLog } from '@cdp/event-log';
import {
  decideLoyaltyAccount,
  evolveLoyaltyAccount,
  type LoyaltyAccountCommand,
  type LoyaltyAccountEvent,
  type LoyaltyAccountState,
  type LoyaltyProgram,
} from '@cdp/loyalty';
import { customerIdentityStreamId } from '@cdp/customer-projection';
import { accountsNamedBy, AccountsInMemory, forwardedToSurvivor, type AccountsCommand, type DecidedAccount } from './accounts-in-memory';
import { loadLoyaltyAccount, loadLoyaltyAccounts, loyaltyAccountStreamId, type LoadedAccount } from './loyalty-account-stream';

/** How long deciding a batch's commands may keep the event loop before it gives it a turn. */
const CPU_TURN_MS = 50;

export type { AccountsCommand, MergeAccounts } from './accounts-in-memory';

export interface LoyaltyDecision {
  /** The account that decided: the command's, or the one it was merged into. */
  readonly customerId: string;
  readonly events: readonly LoyaltyAccountEvent[];
  /** The account once the events are applied. */
  readonly state: LoyaltyAccountState;
}

/** How long a redemption waits for loyalty to merge the accounts identity merged, and how often it looks. */
const MERGE_WAIT_MS = 5_000;
const MERGE_POLL_MS = 100;
/** A customer's identity stream holds its merges and its identity conflicts: far fewer than this for any customer but one a source hammers with a refused identifier. */
const IDENTITY_EVENTS_READ = 10_000;

/** Loyalty has not yet merged the accounts of customers identity merged: nothing was decided; retry shortly. */
export class LoyaltyMergePendingError extends Error {
  readonly code = 'LOYALTY.MERGE_PENDING';

  constructor(
    readonly customerId: string,
    readonly pending: readonly string[],
  ) {
    super(
      `the loyalty accounts of ${pending.join(', ')}, merged into ${customerId}, are not merged into its account yet: nothing was redeemed; send the same request again shortly ` +
        '(if this lasts, the loyalty projection is behind or stopped: see cdp projections status)',
    );
  }
}

/** Bounds the retries of an append that keeps losing races. */
const MAX_ATTEMPTS = 100;
const RECENT_ACCOUNTS = 10_000;

/**
 * Runs loyalty commands against the account streams of the event store: load the stream, decide,
 * append expecting the version that was loaded. A concurrent append to the same account makes
 * the append fail; the command is then decided again on the new state, so two decisions never
 * both spend the same points. A command for a merged account goes to its survivor.
 */
export class LoyaltyAccounts {
  /** The tail of each account's queue in this process: its decisions run one at a time here. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Recently used accounts as last folded, so a decision reads only the events appended since. */
  private readonly recent = new Map<string, LoadedAccount>();

  constructor(
    private readonly eventStore: EventLog,
    private readonly program: LoyaltyProgram,
  ) {}

  async execute(command: LoyaltyAccountCommand): Promise<LoyaltyDecision> {
    let current = command;
    for (let forwards = 0; ; forwards++) {
      try {
        const command = current;
        return await this.inTurn([command.data.customerId], () => this.decideAndAppend(command));
      } catch (error) {
        current = forwardedToSurvivor(current, error, forwards);
      }
    }
  }

  /**
   * Resolves once the account of `customerId` has taken in the account of every customer identity
   * merged into it (a `CustomerMerged`, which the loyalty projection turns into a merge of accounts
   * within moments); throws LoyaltyMergePendingError after `timeoutMs`. A redemption decided in
   * between would not know the merged account's keys or points, and a retry at the merged id would
   * spend again. A merge is waited for from the commit that made it: `unpublishedMerges` names those
   * of `ids` the customers projection committed but has not yet published to the event store. Ids of
   * `mergedFrom` no merge names (those a rebuild kept from live, customers.md) and ids without an
   * account are not waited for.
   */
  async whenMergedIn(
    customerId: string,
    mergedFrom: readonly string[],
    { timeoutMs = MERGE_WAIT_MS, unpublishedMerges = async () => new Set<string>() }: { timeoutMs?: number; unpublishedMerges?: (ids: readonly string[]) => Promise<ReadonlySet<string>> } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = await this.mergesNotTakenIn(customerId, mergedFrom, unpublishedMerges);
      if (pending.length === 0) return;
      if (Date.now() >= deadline) throw new LoyaltyMergePendingError(customerId, pending);
      await new Promise((resolve) => setTimeout(resolve, MERGE_POLL_MS));
    }
  }

  /** The customers merged into `customerId` whose live accounts its account has not taken in yet. */
  private async mergesNotTakenIn(customerId: string, mergedFrom: readonly string[], unpublishedMerges: (ids: readonly string[]) => Promise<ReadonlySet<string>>): Promise<string[]> {
    const { state } = await this.load(customerId);
    const candidates = mergedFrom.filter((id) => id !== customerId && !state.absorbed.includes(id));
    const accounts = await loadLoyaltyAccounts(this.eventStore, candidates.map((id) => ({ customerId: id, known: this.recent.get(id) })));
    // An account merged elsewhere, or to be forwarded, is loyalty's merge decided already: only a live one waits.
    const live = candidates.filter((_, n) => accounts[n].version !== 'no_stream' && accounts[n].state.mergedInto === null);
    if (live.length === 0) return [];
    const unpublished = await unpublishedMerges(live);
    // A published merge is on the stream of the customer merged into: the survivor, or one merged into it since.
    const streams = await this.eventStore.readStreams([customerId, ...mergedFrom].map((id) => ({ streamId: customerIdentityStreamId(id) })), { maxCount: IDENTITY_EVENTS_READ });
    const published = new Set(streams.flat().flatMap((event) => (event.type === 'CustomerMerged' ? [(event.data as { from: string }).from] : [])));
    return live.filter((id) => unpublished.has(id) || published.has(id));
  }

  /**
   * Runs `commands` in order (what a projection's outbox sends), deciding them all on the accounts
   * in memory and appending what they decided with one append, atomic where the store is. It
   * first decides on the accounts as this process last folded them, reading only those it does
   * not hold; an account another process has appended to since fails the append on its expected
   * version, and then every account is read again and the commands decided again. A command for
   * a merged account goes to its survivor, as `execute` sends it.
   */
  executeInOrder(commands: readonly AccountsCommand[]): Promise<void> {
    const named = [...new Set(commands.flatMap(accountsNamedBy))];
    return this.inTurn(named, async () => {
      for (let attempt = 1; ; attempt++) {
        const trustRecent = attempt === 1;
        const batch = new AccountsInMemory(await this.loadMany(named, { trustRecent }), (customerId) => this.loadMany([customerId], { trustRecent }), this.program);
        let turnStarted = performance.now();
        for (const command of commands) {
          await batch.run(command);
          // Deciding a batch is CPU only: every so long, the event loop gets a turn (HTTP requests, Kafka's heartbeats).
          if (performance.now() - turnStarted > CPU_TURN_MS) {
            await setImmediate();
            turnStarted = performance.now();
          }
        }
        try {
          await this.append(batch.decided());
          return;
        } catch (error) {
          if (!(error instanceof ExpectedVersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
          await pause(attempt);
        }
      }
    });
  }

  private async decideAndAppend(command: LoyaltyAccountCommand): Promise<LoyaltyDecision> {
    const { customerId } = command.data;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(customerId);
      const events = decideLoyaltyAccount(command, state, this.program);
      const decided = { customerId, events, version, state: events.reduce(evolveLoyaltyAccount, state) };
      try {
        await this.append([decided]);
        return { customerId, events, state: decided.state };
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  /**
   * Runs `work` after the earlier work of each of the accounts in this process. Racing decisions of
   * one process would only lose appends to each other and decide again; the expected version still
   * settles races between processes.
   */
  private inTurn<T>(customerIds: readonly string[], work: () => Promise<T>): Promise<T> {
    const turn = Promise.all(customerIds.map((customerId) => this.queues.get(customerId))).then(work);
    const tail = turn.catch(() => undefined);
    for (const customerId of customerIds) this.queues.set(customerId, tail);
    void tail.then(() => {
      for (const customerId of customerIds) if (this.queues.get(customerId) === tail) this.queues.delete(customerId);
    });
    return turn;
  }

  private async load(customerId: string): Promise<LoadedAccount> {
    const account = await loadLoyaltyAccount(this.eventStore, customerId, this.recent.get(customerId));
    this.remember(customerId, account);
    return account;
  }

  /**
   * Folds the accounts' streams with one read, each from where this process last folded it; with
   * `trustRecent`, an account folded recently is taken as it is, unread.
   */
  private async loadMany(customerIds: readonly string[], { trustRecent }: { trustRecent: boolean }): Promise<Map<string, LoadedAccount>> {
    const accounts = new Map<string, LoadedAccount>();
    for (const customerId of customerIds) {
      const known = this.recent.get(customerId);
      if (trustRecent && known) accounts.set(customerId, known);
    }
    const unread = customerIds.filter((customerId) => !accounts.has(customerId));
    const loaded = await loadLoyaltyAccounts(this.eventStore, unread.map((customerId) => ({ customerId, known: this.recent.get(customerId) })));
    unread.forEach((customerId, i) => {
      accounts.set(customerId, loaded[i]);
      this.remember(customerId, loaded[i]);
    });
    return accounts;
  }

  /** Appends each account's events expecting the version it was decided at; all or none where the store allows. */
  private async append(decisions: readonly DecidedAccount[]): Promise<void> {
    const changed = decisions.filter((d) => d.events.length > 0);
    if (changed.length === 0) return;
    const results = await this.eventStore.appendMany(
      changed.map((d) => ({
        streamId: loyaltyAccountStreamId(d.customerId),
        events: d.events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data })),
      })),
      { expectedVersions: new Map(changed.map((d) => [loyaltyAccountStreamId(d.customerId), d.version])) },
    );
    changed.forEach((d, i) => this.remember(d.customerId, { state: d.state, version: results[i].events.at(-1)!.streamPosition }));
  }

  /** Keeps the most recently used accounts, the oldest forgotten first. */
  private remember(customerId: string, account: LoadedAccount): void {
    this.recent.delete(customerId);
    this.recent.set(customerId, account);
    if (this.recent.size > RECENT_ACCOUNTS) this.recent.delete(this.recent.keys().next().value!);
  }
}

/** A short, growing, jittered pause, so racing deciders do not collide again in step. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 * attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
