/** The little of SQL that stores need, so one store serves Postgres (pg) and PGlite alike. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

export interface TransactionOptions {
  /** Settings of Postgres for this transaction only (`SET LOCAL`), set as it begins. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface SqlClient extends SqlExecutor {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
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
