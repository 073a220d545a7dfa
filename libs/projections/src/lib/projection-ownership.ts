import type { SqlExecutor } from '@cdp/sql';

/**
 * Claims a projection for `owner`, or renews its claim, for `leaseMs`. It succeeds when nobody
 * holds the projection, when `owner` already does, or when the holder's claim ran out (a process
 * that died without letting go). Times are the database's, so the processes' clocks do not matter.
 * Inside a transaction, the claim's row stays locked until the commit: no one can take the
 * projection over between the claim and the commit.
 */
export async function claimOwnership(db: SqlExecutor, projection: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO projections.owners (projection, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE owners.owner = excluded.owner OR owners.expires_at < now()
     RETURNING owner`,
    [projection, owner, leaseMs],
  );
  return rows.length > 0;
}

/**
 * Takes the projection for `owner` whoever holds it. Run first in a transaction, it waits for the
 * holder's batch in flight to commit (that batch renewed the claim, and holds its row), and every
 * later batch of the holder fails its fence: a rebuild's swap takes the projection over this way.
 */
export async function seizeOwnership(db: SqlExecutor, projection: string, owner: string, leaseMs: number): Promise<void> {
  await db.query(
    `INSERT INTO projections.owners (projection, owner, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (projection) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
    [projection, owner, leaseMs],
  );
}

/** Lets go of the projection, if `owner` holds it, so that another process takes it at once. */
export async function releaseOwnership(db: SqlExecutor, projection: string, owner: string): Promise<void> {
  await db.query(`DELETE FROM projections.owners WHERE projection = $1 AND owner = $2`, [projection, owner]);
}

/** Who holds each projection that one process at a time runs, for the claims still running. */
export async function currentOwners(db: SqlExecutor): Promise<Map<string, string>> {
  const { rows } = await db.query<{ projection: string; owner: string }>(`SELECT projection, owner FROM projections.owners WHERE expires_at > now()`);
  return new Map(rows.map((r) => [r.projection, r.owner]));
}

export class OwnershipLostError extends Error {
  readonly code = 'PROJECTIONS.OWNERSHIP_LOST';

  constructor(projection: string, owner: string) {
    super(`${owner} no longer owns the projection ${projection}: another process took it over after this one's claim ran out`);
    this.name = 'OwnershipLostError';
  }
}
