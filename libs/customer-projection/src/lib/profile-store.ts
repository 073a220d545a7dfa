import type { CustomerProfile } from '@cdp/profile';
import { quoteIdentifier, type SqlExecutor } from '@cdp/sql';

export async function loadProfiles(db: SqlExecutor, schema: string, customerIds: readonly string[]): Promise<Map<string, CustomerProfile>> {
  const { rows } = await db.query<{ customer_id: string; profile: CustomerProfile }>(
    `SELECT customer_id, profile FROM ${quoteIdentifier(schema)}.profiles WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map((r) => [r.customer_id, r.profile]));
}

export async function saveProfiles(db: SqlExecutor, schema: string, profiles: readonly CustomerProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  await db.query(
    `INSERT INTO ${quoteIdentifier(schema)}.profiles (customer_id, profile)
     SELECT r.customer_id, r.profile FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, profile jsonb)
     ON CONFLICT (customer_id) DO UPDATE SET profile = excluded.profile`,
    [JSON.stringify(profiles.map((p) => ({ customer_id: p.customerId, profile: p })))],
  );
}

export async function deleteProfiles(db: SqlExecutor, schema: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await db.query(`DELETE FROM ${quoteIdentifier(schema)}.profiles WHERE customer_id = ANY($1::text[])`, [customerIds]);
}
