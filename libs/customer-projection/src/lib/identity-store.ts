import type { CustomerNode, IdentityEvent, IdentityGraph } from '@cdp/identity';
import { survivorOf } from '@cdp/identity';
import { quoteIdentifier, type SqlExecutor } from '@cdp/sql';

interface CustomerRow {
  customer_id: string;
  first_seen_at: string;
  first_event_id: string;
  identifiers: string[];
}

/**
 * Loads the part of the identity graph a batch of touchpoints can touch: the owners of their
 * identifiers, those customers with all their identifiers, and the batch's known attributions
 * (a touchpoint's timeline row is its attribution, written by the projection).
 */
export async function loadIdentitySlice(db: SqlExecutor, schema: string, identifierKeys: readonly string[], eventIds: readonly string[]): Promise<IdentityGraph> {
  const s = quoteIdentifier(schema);
  const { rows: customers } = await db.query<CustomerRow>(
    `SELECT c.* FROM ${s}.identity_customers c
     WHERE c.customer_id IN (SELECT customer_id FROM ${s}.identity_owners WHERE identifier = ANY($1::text[]))`,
    [identifierKeys],
  );
  const { rows: attributions } = await db.query<{ event_id: string; customer_id: string }>(
    `SELECT event_id, customer_id FROM ${s}.touchpoints WHERE event_id = ANY($1::text[])`,
    [eventIds],
  );
  return {
    customers: new Map(customers.map((c) => [c.customer_id, toNode(c)])),
    owners: new Map(customers.flatMap((c) => c.identifiers.map((key) => [key, c.customer_id] as const))),
    attributions: new Map(attributions.map((a) => [a.event_id, a.customer_id])),
  };
}

/**
 * Writes back what the batch's identity events changed, in a few statements. Attributions are
 * written with the timeline (each row names the customer's survivor at the end of the batch);
 * here, rows of earlier batches are repointed from merged customers to their survivors.
 */
export async function saveIdentityChanges(db: SqlExecutor, schema: string, graph: IdentityGraph, events: readonly IdentityEvent[]): Promise<void> {
  const s = quoteIdentifier(schema);
  const touched = new Set<string>();
  const conflicts: object[] = [];
  for (const event of events) {
    switch (event.type) {
      case 'CustomerCreated':
      case 'IdentifierLinked':
        touched.add(event.data.customerId);
        break;
      case 'CustomerMerged':
        touched.add(event.data.from).add(event.data.into);
        break;
      case 'TouchpointAttributed':
        break;
      case 'IdentityConflictRecorded':
        conflicts.push({
          event_id: event.data.eventId,
          identifier: event.data.identifier,
          reason: event.data.reason,
          customer_id: event.data.customerId,
          conflicting_customer_id: event.data.conflictingCustomerId,
          occurred_at: event.data.occurredAt,
        });
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unhandled identity event ${JSON.stringify(unknown)}`);
      }
    }
  }
  const nodes = [...touched].map((id) => graph.customers.get(id)!);
  const gone = nodes.filter((n) => n.mergedInto !== null).map((n) => n.customerId);
  if (gone.length > 0) {
    await db.query(`DELETE FROM ${s}.identity_customers WHERE customer_id = ANY($1::text[])`, [gone]);
    await repointTimeline(db, s, gone.map((from) => [from, survivorOf(graph, from)!]));
  }
  const customers = nodes.filter((n) => n.mergedInto === null).map(toRow);
  if (customers.length > 0) {
    await db.query(
      `INSERT INTO ${s}.identity_customers
       SELECT * FROM json_to_recordset($1::json) AS r(customer_id text, first_seen_at text, first_event_id text, identifiers text[])
       ON CONFLICT (customer_id) DO UPDATE SET identifiers = excluded.identifiers`,
      [JSON.stringify(customers)],
    );
    const owners = customers.flatMap((c) => c.identifiers.map((identifier) => ({ identifier, customer_id: c.customer_id })));
    if (owners.length > 0) {
      await db.query(
        `INSERT INTO ${s}.identity_owners (identifier, customer_id) SELECT * FROM json_to_recordset($1::json) AS r(identifier text, customer_id text)
         ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id, version = excluded.version
         WHERE identity_owners.customer_id <> excluded.customer_id`,
        [JSON.stringify(owners)],
      );
    }
  }
  if (conflicts.length > 0) {
    await db.query(
      `INSERT INTO ${s}.identity_conflicts
       SELECT * FROM json_to_recordset($1::json)
         AS r(event_id text, identifier text, reason text, customer_id text, conflicting_customer_id text, occurred_at text)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(conflicts)],
    );
  }
}

/**
 * Timeline rows always name the customer they belong to now, so the table does not depend on the
 * order in which merges happened.
 */
async function repointTimeline(db: SqlExecutor, s: string, survivors: readonly (readonly [from: string, into: string])[]): Promise<void> {
  await db.query(
    `UPDATE ${s}.touchpoints t SET customer_id = m.into_id FROM unnest($1::text[], $2::text[]) AS m(from_id, into_id) WHERE t.customer_id = m.from_id`,
    [survivors.map(([from]) => from), survivors.map(([, into]) => into)],
  );
}

function toNode(row: CustomerRow): CustomerNode {
  return {
    customerId: row.customer_id,
    firstSeenAt: row.first_seen_at,
    firstEventId: row.first_event_id,
    identifiers: row.identifiers,
    mergedInto: null,
  };
}

function toRow(node: CustomerNode): CustomerRow {
  return {
    customer_id: node.customerId,
    first_seen_at: node.firstSeenAt,
    first_event_id: node.firstEventId,
    identifiers: [...node.identifiers],
  };
}
