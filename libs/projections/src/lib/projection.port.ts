import type { RecordedEvent } from '@cdp/event-log';
import type { SqlClient, SqlExecutor } from '@cdp/sql';

/** What the runtime tells a handler about the events it hands over. */
export interface ApplyContext {
  /**
   * False only when the events follow right after what this handler applied and the runtime
   * committed, from the same subscription: none of them can have been applied before. True for
   * the first batch after a start, a (re)assignment or a failure, and when a batch or a dead
   * letter is tried again. A store outside the transaction (ClickHouse) checks what it already
   * holds only when true.
   */
  readonly resumed: boolean;
}

/** A read model kept in Postgres, as the runtime drives it. */
export interface ProjectionHandler {
  /**
   * Applies events in log order inside the runtime's transaction; the checkpoint is written in
   * the same transaction. Throwing rejects the events: the runtime then finds the poisoned one.
   */
  apply(tx: SqlExecutor, events: readonly RecordedEvent[], context: ApplyContext): Promise<void>;
  /** Work that must follow a commit (publishing an outbox); it must be idempotent. */
  afterCommit?(): Promise<void>;
  /** Lets go of what `open` took (a producer's connections); called when the projection stops. */
  close?(): Promise<void>;
}

/** A projection by name, buildable into any Postgres schema, so a rebuild can be built aside. */
export interface ProjectionDefinition {
  readonly name: string;
  /** The schema its live tables are in. */
  readonly schema: string;
  /**
   * How long, once caught up, its batches may wait to grow (`SubscribeOptions.lingerMs`): for a
   * store that favours few large writes (ClickHouse), at the cost of that much freshness.
   */
  readonly lingerMs?: number;
  /** The table, in `schema`, of what it committed and has not sent on yet (its outbox), if it has one. */
  readonly outboxTable?: string;
  /** Creates (migrating if needed) the handler that writes into `schema`. */
  open(sql: SqlClient, schema: string): Promise<ProjectionHandler>;
  /**
   * Runs in a rebuild's swap transaction, while the live tables are still in place and the tables
   * built in `aside` are about to replace them: what live has not finished (an outbox not sent yet)
   * is handed over here.
   */
  beforeSwap?(tx: SqlExecutor, aside: string): Promise<void>;
}
