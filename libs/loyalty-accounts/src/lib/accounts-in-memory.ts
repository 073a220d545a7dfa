import {
  AccountMergedError,
  decideLoyaltyAccount,
  evolveLoyaltyAccount,
  type LoyaltyAccountCommand,
  type LoyaltyAccountEvent,
  type LoyaltyAccountState,
  type LoyaltyProgram,
} from '@cdp/loyalty';
import type { LoadedAccount } from './loyalty-account-stream';

/** Moves the account of `from` into the account of `into`: what a customers' merge sends. It touches two accounts. */
export interface MergeAccounts {
  readonly type: 'MergeAccounts';
  readonly data: { readonly from: string; readonly into: string };
}

export type AccountsCommand = LoyaltyAccountCommand | MergeAccounts;

/** Events decided on an account loaded at `version`, and the account once they are applied. */
export interface DecidedAccount {
  readonly customerId: string;
  readonly events: readonly LoyaltyAccountEvent[];
  readonly version: number | 'no_stream';
  readonly state: LoyaltyAccountState;
}

/** Bounds the merge chains followed. */
const MAX_FORWARDS = 20;

export function accountsNamedBy(command: AccountsCommand): string[] {
  return command.type === 'MergeAccounts' ? [command.data.from, command.data.into] : [command.data.customerId];
}

/**
 * The command to send on to the survivor of a merged account. Anything else the rules refused is
 * thrown again, and so is a closing account's refusal: its customer was merged once, into one survivor.
 */
export function forwardedToSurvivor(command: LoyaltyAccountCommand, error: unknown, forwards: number): LoyaltyAccountCommand {
  if (!(error instanceof AccountMergedError) || command.type === 'MergeAccountInto' || forwards >= MAX_FORWARDS) throw error;
  return { ...command, data: { ...command.data, customerId: error.into } } as LoyaltyAccountCommand;
}

/**
 * Decides commands one after another on accounts held in memory, each on the state the ones
 * before it left, and gathers per account what they decided, for one append.
 */
export class AccountsInMemory {
  private readonly accounts = new Map<string, { loaded: LoadedAccount; state: LoyaltyAccountState; events: LoyaltyAccountEvent[]; lastChange: number }>();
  private changes = 0;

  constructor(
    loaded: ReadonlyMap<string, LoadedAccount>,
    private readonly load: (customerId: string) => Promise<ReadonlyMap<string, LoadedAccount>>,
    private readonly program: LoyaltyProgram,
  ) {
    for (const [customerId, account] of loaded) this.hold(customerId, account);
  }

  async run(command: AccountsCommand): Promise<void> {
    if (command.type !== 'MergeAccounts') {
      await this.decideForwarding(command);
      return;
    }
    const { from, into } = command.data;
    let closed: LoyaltyAccountState;
    try {
      closed = await this.decide({ type: 'MergeAccountInto', data: { customerId: from, into } });
    } catch (error) {
      // Closed into another account already: a rebuilt identity can name another survivor among
      // the same customers. Only finishing that earlier merge is left.
      if (!(error instanceof AccountMergedError)) throw error;
      closed = (await this.account(from)).state;
    }
    // A closed account keeps its state as it was when it closed: that is what moves.
    await this.decideForwarding({ type: 'AbsorbAccount', data: { customerId: closed.mergedInto ?? into, from, account: closed } });
  }

  /**
   * The accounts the commands changed, with their events, in the order they last changed: a
   * closed account changes no more, so it comes before the account that absorbed it, and the log
   * keeps that order for the projections that follow both.
   */
  decided(): DecidedAccount[] {
    return [...this.accounts]
      .filter(([, account]) => account.events.length > 0)
      .sort(([, a], [, b]) => a.lastChange - b.lastChange)
      .map(([customerId, { loaded, state, events }]) => ({ customerId, events, version: loaded.version, state }));
  }

  private async decideForwarding(command: LoyaltyAccountCommand): Promise<void> {
    for (let forwards = 0; ; forwards++) {
      try {
        await this.decide(command);
        return;
      } catch (error) {
        command = forwardedToSurvivor(command, error, forwards);
      }
    }
  }

  private async decide(command: LoyaltyAccountCommand): Promise<LoyaltyAccountState> {
    const account = await this.account(command.data.customerId);
    const events = decideLoyaltyAccount(command, account.state, this.program);
    if (events.length > 0) account.lastChange = ++this.changes;
    // Not push(...events): a command can decide more events than a call takes arguments.
    for (const event of events) account.events.push(event);
    account.state = events.reduce(evolveLoyaltyAccount, account.state);
    return account.state;
  }

  private async account(customerId: string) {
    if (!this.accounts.has(customerId)) this.hold(customerId, (await this.load(customerId)).get(customerId)!);
    return this.accounts.get(customerId)!;
  }

  private hold(customerId: string, loaded: LoadedAccount): void {
    this.accounts.set(customerId, { loaded, state: loaded.state, events: [], lastChange: 0 });
  }
}
