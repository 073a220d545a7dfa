import { randomUUID } from 'node:crypto';
import { ExpectedVersionConflictError, type EventLog } from '@cdp/event-log';
import {
  AccountMergedError,
  decideLoyaltyAccount,
  evolveLoyaltyAccount,
  type LoyaltyAccountCommand,
  type LoyaltyAccountEvent,
  type LoyaltyAccountState,
  type LoyaltyProgram,
} from '@cdp/loyalty';
import { loadLoyaltyAccount, loyaltyAccountStreamId, type LoadedAccount } from './loyalty-account-stream';

export interface LoyaltyDecision {
  /** The account that decided: the command's, or the one it was merged into. */
  readonly customerId: string;
  readonly events: readonly LoyaltyAccountEvent[];
  /** The account once the events are applied. */
  readonly state: LoyaltyAccountState;
}

/** Bounds the retries of an append that keeps losing races, and the merge chains followed. */
const MAX_ATTEMPTS = 100;
const MAX_FORWARDS = 20;
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
        return await this.inTurn(command.data.customerId, () => this.decideAndAppend(command));
      } catch (error) {
        // A closing account is not forwarded: its customer was merged once, into one survivor.
        if (!(error instanceof AccountMergedError) || current.type === 'MergeAccountInto' || forwards >= MAX_FORWARDS) throw error;
        current = { ...current, data: { ...current.data, customerId: error.into } } as LoyaltyAccountCommand;
      }
    }
  }

  /**
   * Runs several commands of one account in order, with one read and one append for them all
   * (what sends a batch of touchpoints to their accounts). Nothing is returned: use `execute` for
   * a decision the caller answers with.
   */
  executeAll(customerId: string, commands: readonly LoyaltyAccountCommand[]): Promise<void> {
    return this.inTurn(customerId, () => this.decideAllAndAppend(customerId, commands));
  }

  private async decideAllAndAppend(customerId: string, commands: readonly LoyaltyAccountCommand[]): Promise<void> {
    let account = customerId;
    for (let attempt = 1, forwards = 0; ; attempt++) {
      const { state, version } = await this.load(account);
      if (state.mergedInto !== null && forwards++ < MAX_FORWARDS) {
        account = state.mergedInto;
        continue;
      }
      let decided = state;
      const events: LoyaltyAccountEvent[] = [];
      for (const command of commands) {
        const next = decideLoyaltyAccount({ ...command, data: { ...command.data, customerId: account } } as LoyaltyAccountCommand, decided, this.program);
        events.push(...next);
        decided = next.reduce(evolveLoyaltyAccount, decided);
      }
      if (events.length === 0) return;
      try {
        await this.append(account, events, version, decided);
        return;
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  /** Moves the account of `from` into the account of `into`; repeating it changes nothing. */
  async merge(from: string, into: string): Promise<void> {
    let closed: LoyaltyAccountState;
    try {
      closed = (await this.execute({ type: 'MergeAccountInto', data: { customerId: from, into } })).state;
    } catch (error) {
      // Closed into another account already: a rebuilt identity can name another survivor among
      // the same customers. Only finishing that earlier merge is left.
      if (!(error instanceof AccountMergedError)) throw error;
      closed = (await this.load(from)).state;
    }
    // A closed account keeps its state as it was when it closed: that is what moves.
    await this.execute({ type: 'AbsorbAccount', data: { customerId: closed.mergedInto ?? into, from, account: closed } });
  }

  private async decideAndAppend(command: LoyaltyAccountCommand): Promise<LoyaltyDecision> {
    const { customerId } = command.data;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(customerId);
      const events = decideLoyaltyAccount(command, state, this.program);
      if (events.length === 0) return { customerId, events, state };
      try {
        const decided = events.reduce(evolveLoyaltyAccount, state);
        await this.append(customerId, events, version, decided);
        return { customerId, events, state: decided };
      } catch (error) {
        if (!(error instanceof ExpectedVersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        await pause(attempt);
      }
    }
  }

  /**
   * Runs `work` after the account's earlier work in this process. Racing decisions of one process
   * would only lose appends to each other and decide again; the expected version still settles
   * races between processes.
   */
  private inTurn<T>(customerId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(customerId) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(work);
    const tail = turn.catch(() => undefined);
    this.queues.set(customerId, tail);
    void tail.then(() => {
      if (this.queues.get(customerId) === tail) this.queues.delete(customerId);
    });
    return turn;
  }

  private async load(customerId: string): Promise<LoadedAccount> {
    const account = await loadLoyaltyAccount(this.eventStore, customerId, this.recent.get(customerId));
    this.remember(customerId, account);
    return account;
  }

  private async append(customerId: string, events: readonly LoyaltyAccountEvent[], version: number | 'no_stream', decided: LoyaltyAccountState): Promise<void> {
    const { events: appended } = await this.eventStore.append(
      loyaltyAccountStreamId(customerId),
      events.map((event) => ({ eventId: randomUUID(), type: event.type, data: event.data })),
      { expectedVersion: version },
    );
    this.remember(customerId, { state: decided, version: appended[appended.length - 1].streamPosition });
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
