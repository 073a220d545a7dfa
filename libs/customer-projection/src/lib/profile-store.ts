import { startingEventIdOf } from '@cdp/identity';
import type { CustomerProfile } from '@cdp/profile';
import { JSON_TEXTS_SEPARATOR, jsonTexts, quoteIdentifier, type SqlExecutor } from '@cdp/sql';

export async function loadProfiles(db: SqlExecutor, schema: string, customerIds: readonly string[]): Promise<Map<string, CustomerProfile>> {
  if (customerIds.length === 0) return new Map();
  const { rows } = await db.query<{ customer_id: string; profile: CustomerProfile }>(
    `SELECT customer_id, profile FROM ${quoteIdentifier(schema)}.profiles WHERE customer_id = ANY($1::text[])`,
    [customerIds],
  );
  return new Map(rows.map((r) => [r.customer_id, r.profile]));
}

/** Profiles are written whole and read whole, so they are kept as json: checked, not taken apart, on the way in. */
export async function saveProfiles(db: SqlExecutor, schema: string, profiles: readonly CustomerProfile[]): Promise<void> {
  if (profiles.length === 0) return;
  await db.query(
    `INSERT INTO ${quoteIdentifier(schema)}.profiles (customer_id, profile)
     SELECT * FROM unnest($1::text[], string_to_array($2, $3)::json[])
     ON CONFLICT (customer_id) DO UPDATE SET profile = excluded.profile`,
    [profiles.map((p) => p.customerId), jsonTexts(profiles), JSON_TEXTS_SEPARATOR],
  );
}

export async function deleteProfiles(db: SqlExecutor, schema: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await db.query(`DELETE FROM ${quoteIdentifier(schema)}.profiles WHERE customer_id = ANY($1::text[])`, [customerIds]);
}

/**
 * The survivor each customer id stands for now, for ids whose profile is gone: every customer id is
 * "cus_" + the id of the touchpoint that started it, and that touchpoint's timeline row names the
 * customer it belongs to now. Ids no timeline knows are left out.
 */
export async function survivorsOf(db: SqlExecutor, schema: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  const starts = customerIds.flatMap((customerId) => {
    const eventId = startingEventIdOf(customerId);
    return eventId === undefined ? [] : [{ customerId, eventId }];
  });
  if (starts.length === 0) return new Map();
  const { rows } = await db.query<{ event_id: string; customer_id: string }>(
    `SELECT event_id, customer_id FROM ${quoteIdentifier(schema)}.touchpoints WHERE event_id = ANY($1::text[])`,
    [starts.map((s) => s.eventId)],
  );
  const survivorByEvent = new Map(rows.map((r) => [r.event_id, r.customer_id]));
  return new Map(starts.filter((s) => survivorByEvent.has(s.eventId)).map((s) => [s.customerId, survivorByEvent.get(s.eventId)!]));
}
