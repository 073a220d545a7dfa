/** The little of SQL that stores need, so one store serves Postgres (pg) and PGlite alike. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /**
   * True on a Postgres server, whose database other processes may use at once (servers mode);
   * absent on PGlite, one session of this process alone.
   */
  readonly sharedByProcesses?: boolean;
}

export interface TransactionOptions {
  /** Settings of Postgres for this transaction only (`SET LOCAL`), set as it begins. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface SqlClient extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. The
   * transaction is one connection: its statements go one after another, and a statement sent
   * while another is still running is refused.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** The `SET LOCAL` statements of `settings`, one after another in one string; empty without any. */
export function setLocal(settings: TransactionOptions['settings'] = {}): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      if (!/^[a-z_][a-z0-9_.]*$/.test(name)) throw new Error(`"${name}" is not a Postgres setting's name`);
      return `SET LOCAL ${name} = '${value.replace(/'/g, "''")}';`;
    })
    .join(' ');
}

/** Quotes an identifier (schema or table name) that comes from configuration, never from input. */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`"${name}" is not a valid SQL identifier: use lower-case letters, digits and _`);
  }
  return `"${name}"`;
}

/** A transaction's executor, which knows when its statement in flight has ended. */
export interface TransactionExecutor extends SqlExecutor {
  /** Resolves once no statement runs: a rollback must not be queued behind one. */
  idle(): Promise<void>;
}

/**
 * A transaction's executor that refuses a statement sent while the previous one runs: pg would
 * queue it, which it deprecates (pg 9 removes it), and PGlite would too; either way the two never
 * run at once, so callers must await each statement.
 */
export function oneStatementAtATime(executor: SqlExecutor): TransactionExecutor {
  let running: { readonly sql: string; readonly done: Promise<unknown> } | undefined;
  return {
    query<Row>(sql: string, params?: readonly unknown[]) {
      if (running !== undefined) {
        return Promise.reject(
          new Error(`a transaction runs one statement at a time: "${brief(sql)}" was sent while "${brief(running.sql)}" still ran; await each statement before the next`),
        );
      }
      const done = executor.query<Row>(sql, params);
      running = { sql, done };
      return done.finally(() => (running = undefined)) as typeof done;
    },
    idle: async () => void (await running?.done.catch(() => undefined)),
  };
}

const brief = (sql: string) => sql.replace(/\s+/g, ' ').trim().slice(0, 60);
