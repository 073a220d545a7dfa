import type { EventLog, RecordedEvent } from '@cdp/event-log';
import { streamId, type SchemaCatalog, type Touchpoint } from '@cdp/events';
import {
  DEFAULT_IDENTITY_POLICY,
  decideIdentity,
  evolveIdentity,
  identifierKeysOf,
  identitySlice,
  resolveTouchpoint,
  survivorOf,
  type IdentityConflictReason,
  type IdentityGraph,
  type IdentityEvent,
  type IdentityPolicy,
  type RecordedRefusal,
} from '@cdp/identity';
import { addToOutbox, OUTBOX_TABLE, publishOutbox, type OutboxEntry, type ProjectionDefinition } from '@cdp/projections';
import { channelOf, consentWithdrawnVia, emptyProfile, evolveProfile, knownAlsoAs, mergeProfiles, touchpointRecorded, withdrawsConsent, type CustomerProfile } from '@cdp/profile';
import { endIfIdleWhileHoldingLock, quoteIdentifier, type SqlExecutor } from '@cdp/sql';
import { markCustomersChanged, migrateCustomerFeedTables } from '@cdp/customer-feed';
import { CUSTOMER_PROJECTION } from './customer-schema';
import { migrateCustomerTables } from './customer-tables';
import { deterministicEventId } from '@cdp/event-log';
import { loadIdentitySlice, saveIdentityChanges } from './identity-store';
import { deleteProfiles, loadProfiles, saveProfiles } from './profile-store';
import { YIELD_EVERY, yieldToEventLoop } from './event-loop-turns';
import { saveTimeline, timelineRows, type TimelineEntry } from './timeline-store';

export interface CustomerProjectionOptions {
  readonly catalog: SchemaCatalog;
  /** Where merges and identity conflicts are appended, as events. */
  readonly eventStore: EventLog;
  readonly policy?: IdentityPolicy;
}

/**
 * Identity resolution and the unified profile, as one projection of the touchpoint log: for each
 * batch, the identity rules decide which customer every touchpoint lands on (and which customers
 * merge), the profile rules fold the touchpoints in, and everything is written in the runtime's
 * transaction. Merges and conflicts also go to the event store through an outbox.
 */
export function customerProjection(options: CustomerProjectionOptions): ProjectionDefinition {
  const policy = options.policy ?? DEFAULT_IDENTITY_POLICY;
  const isTouchpoint = (event: RecordedEvent) => options.catalog.manifest(event.type) !== undefined;

  return {
    name: CUSTOMER_PROJECTION,
    schema: CUSTOMER_PROJECTION,
    outboxTable: OUTBOX_TABLE,
    async open(sql, schema) {
      await migrateCustomerTables(sql, schema);
      await migrateCustomerFeedTables(sql);
      const live = schema === CUSTOMER_PROJECTION;
      return {
        async apply(tx, events) {
          const touchpoints = events.filter(isTouchpoint).map((e) => e.data as Touchpoint);
          if (touchpoints.length > 0) await projectTouchpoints(tx, schema, touchpoints);
        },
        // A rebuild keeps its outbox until the swap, which keeps only what live never decided.
        afterCommit: live ? () => publishOutbox(sql, schema, options.eventStore) : undefined,
      };
    },
    beforeSwap: (tx, aside) => handOver(tx, aside),
  };

  /**
   * What a rebuild's tables take over from live's as they replace them. The merges and conflicts live
   * decided were recorded then (or wait in live's outbox, which goes on being sent): the rebuild's own
   * decisions about those touchpoints are dropped, since a rebuild reading the log in another order
   * (Kafka's partitions interleave differently) passes through customers live never had. Its
   * decisions about touchpoints live never reached (those after live paused, or that live was stuck
   * on) are live's now: they are sent, and their customers marked changed for the feed, as are
   * the customers whose profile the rebuild folded otherwise than live.
   */
  async function handOver(tx: SqlExecutor, aside: string): Promise<void> {
    const [built, current] = [quoteIdentifier(aside), quoteIdentifier(CUSTOMER_PROJECTION)];
    await tx.query(`DELETE FROM ${built}.outbox o USING ${current}.touchpoints t WHERE t.event_id = o.data->>'eventId'`);
    // The same refusals (refusedBefore), met in another order: between whom, live's record says, as the event store does.
    await tx.query(
      `UPDATE ${built}.identity_conflicts b SET customer_id = c.customer_id, conflicting_customer_id = c.conflicting_customer_id
       FROM ${current}.identity_conflicts c
       WHERE b.event_id = c.event_id AND b.identifier = c.identifier
         AND (b.customer_id, b.conflicting_customer_id) IS DISTINCT FROM (c.customer_id, c.conflicting_customer_id)`,
    );
    await tx.query(
      `INSERT INTO ${built}.outbox (stream_id, event_id, type, data)
       SELECT stream_id, event_id, type, data FROM ${current}.outbox ORDER BY position
       ON CONFLICT (event_id) DO NOTHING`,
    );
    const { rows } = await tx.query<{ customer_id: string }>(
      `SELECT DISTINCT b.customer_id FROM ${built}.touchpoints b
       WHERE NOT EXISTS (SELECT 1 FROM ${current}.touchpoints t WHERE t.event_id = b.event_id)
       ORDER BY b.customer_id`,
    );
    // A profile the rules of today fold otherwise than live did (a consent withdrawal reaching the
    // holder of an address, since 2026-12-06) is announced too; version and mergedFrom differ
    // whenever a rebuild reads Kafka's partitions in another order, and announce nothing.
    const { rows: refolded } = await tx.query<{ customer_id: string }>(
      `SELECT b.customer_id FROM ${built}.profiles b JOIN ${current}.profiles c USING (customer_id)
       WHERE b.profile::text <> c.profile::text
         AND (b.profile::jsonb - 'version' - 'mergedFrom') <> (c.profile::jsonb - 'version' - 'mergedFrom')
       ORDER BY b.customer_id`,
    );
    await markCustomersChanged(tx, [...new Set([...rows, ...refolded].map((r) => r.customer_id))].sort());
    await keepLiveIds(tx, aside);
  }

  /**
   * Every id live knew a customer by goes on naming one. A rebuild that reads Kafka's partitions in
   * another order starts customers with other touchpoints, and ids live gave out (in answers, on the
   * feed, at loyalty's redemptions) would answer 404: each is added to the mergedFrom of the rebuilt
   * customer its starting touchpoint belongs to. The feed announces nothing for it (see above).
   * Only profiles with a mergedFrom are taken apart (as JSON.stringify writes an empty one), and
   * only ids the rebuild has no customer of are looked up: this runs while other processes wait.
   */
  async function keepLiveIds(tx: SqlExecutor, aside: string): Promise<void> {
    const [built, current] = [quoteIdentifier(aside), quoteIdentifier(CUSTOMER_PROJECTION)];
    const { rows } = await tx.query<{ id: string; survivor: string }>(
      `SELECT k.id, b.customer_id AS survivor
       FROM (SELECT customer_id AS id FROM ${current}.profiles
             UNION SELECT json_array_elements_text(profile->'mergedFrom') FROM ${current}.profiles WHERE strpos(profile::text, '"mergedFrom":[]') = 0) k
       JOIN ${built}.touchpoints b ON b.event_id = CASE WHEN k.id ~ '^cus_[0-9a-f]{32}$' THEN substr(k.id, 5)::uuid::text END
       WHERE b.customer_id <> k.id AND NOT EXISTS (SELECT 1 FROM ${built}.profiles p WHERE p.customer_id = k.id)
       ORDER BY b.customer_id, k.id`,
    );
    const idsBySurvivor = new Map<string, string[]>();
    for (const { id, survivor } of rows) idsBySurvivor.set(survivor, [...(idsBySurvivor.get(survivor) ?? []), id]);
    const profiles = await loadProfiles(tx, aside, [...idsBySurvivor.keys()]);
    const widened = [...profiles.values()].map((profile) => knownAlsoAs(profile, idsBySurvivor.get(profile.customerId)!));
    await saveProfiles(tx, aside, widened.filter((profile) => profile !== profiles.get(profile.customerId)));
  }

  async function projectTouchpoints(tx: SqlExecutor, schema: string, touchpoints: readonly Touchpoint[]) {
    // One batch at a time across processes: identity decisions must see each other's writes.
    await endIfIdleWhileHoldingLock(tx);
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cdp-customer-projection:${schema}`]);
    const keys = [...new Set(touchpoints.flatMap((t) => identifierKeysOf(t.identifiers)))];
    const graph = mutableGraph(await loadIdentitySlice(tx, schema, keys, touchpoints.map((t) => t.eventId)));
    const refusedBefore = schema === CUSTOMER_PROJECTION ? new Map() : await refusalsByLive(tx, touchpoints);
    // Postgres reads the profiles of the customers the batch found while Node decides, and writes
    // the identity graph while Node prepares the timeline's rows: a batch's statements otherwise
    // leave one of the two idle while the other works.
    const known = new Set(graph.customers.keys());
    const [profiles, decided] = await bothDone(loadProfiles(tx, schema, [...known]), async () => decideIdentities(graph, touchpoints, refusedBefore));
    const others = [...customersIn(decided)].filter((id) => !known.has(id));
    for (const [id, profile] of await loadProfiles(tx, schema, others)) profiles.set(id, profile);

    const byEventId = firstOfEachEventId(touchpoints);
    const entries = timelineOf(graph, decided, byEventId);
    const [, timeline] = await bothDone(saveIdentityChanges(tx, schema, graph, decided), () => timelineRows(entries));
    const withdrawals = await withdrawalsByIdentifier(tx, schema, decided, byEventId);
    // The timeline is the batch's biggest statement: it is sent first, and Postgres writes it while
    // Node folds the profiles.
    const [, { changed, gone, redirected, outbox }] = await bothDone(saveTimeline(tx, schema, timeline), () => foldProfiles(profiles, decided, byEventId, withdrawals));
    // Merged customers are answered through their survivor (see survivingCustomerId): only live profiles are kept.
    await deleteProfiles(tx, schema, [...gone]);
    await saveProfiles(tx, schema, [...changed].filter((id) => !gone.has(id)).map((id) => profiles.get(id)!));
    await addToOutbox(tx, schema, outbox);
    // A rebuild, built aside, marks nothing for the feed as it goes: see handOver.
    if (schema === CUSTOMER_PROJECTION) {
      await markCustomersChanged(tx, [...[...changed].filter((id) => !gone.has(id)).sort(), ...[...new Set([...gone, ...redirected])].sort()]);
    }
  }

  function decideIdentities(graph: MutableGraph, touchpoints: readonly Touchpoint[], refusedBefore: ReadonlyMap<string, readonly RecordedRefusal[]>): IdentityEvent[] {
    const decided: IdentityEvent[] = [];
    for (const touchpoint of touchpoints) {
      // Decide on the touchpoint's own small slice and fold it there, then write the slice back:
      // folding the whole batch's graph would copy it for every event.
      const command = resolveTouchpoint(touchpoint, refusedBefore.get(touchpoint.eventId));
      const slice = identitySlice(graph, command);
      const events = decideIdentity(command, slice, policy);
      absorb(graph, events.reduce(evolveIdentity, slice));
      decided.push(...events);
    }
    return decided;
  }

  function channelOfTouchpoint(touchpoint: Touchpoint): string | null {
    return channelOf(touchpoint, options.catalog.manifest(touchpoint.type)?.channel ?? null);
  }

  /** Each touchpoint attributed in the batch, on its customer's survivor at the end of the batch. */
  function timelineOf(graph: IdentityGraph, decided: readonly IdentityEvent[], byEventId: ReadonlyMap<string, Touchpoint>): TimelineEntry[] {
    return decided.flatMap((event) => {
      if (event.type !== 'TouchpointAttributed') return [];
      const touchpoint = byEventId.get(event.data.eventId)!;
      return [{ customerId: survivorOf(graph, event.data.customerId)!, channel: channelOfTouchpoint(touchpoint), touchpoint }];
    });
  }

  /** Folds the batch's identity events into the profiles (in place), and tells what changed. */
  async function foldProfiles(
    profiles: Map<string, CustomerProfile>,
    decided: readonly IdentityEvent[],
    byEventId: ReadonlyMap<string, Touchpoint>,
    withdrawals: ReadonlyMap<string, readonly Touchpoint[]>,
  ) {
    const changed = new Set<string>();
    const gone = new Set<string>();
    // Customers merged earlier into one merged now: their survivor changes too.
    const redirected = new Set<string>();
    const outbox: OutboxEntry[] = [];
    const set = (profile: CustomerProfile) => {
      profiles.set(profile.customerId, profile);
      changed.add(profile.customerId);
    };
    for (const [index, event] of decided.entries()) {
      if (index % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      switch (event.type) {
        case 'CustomerCreated':
          set(evolveProfile(profiles.get(event.data.customerId) ?? null, event));
          break;
        case 'IdentifierLinked': {
          const { customerId, identifier } = event.data;
          set(evolveProfile(profiles.get(customerId) ?? null, event));
          // Withdrawals told with this identifier while nobody held it (a refused link) reach its holder now.
          for (const touchpoint of withdrawals.get(identifier) ?? []) set(evolveProfile(profiles.get(customerId)!, consentWithdrawnVia(customerId, identifier, touchpoint)));
          break;
        }
        case 'CustomerMerged': {
          const { from, into } = event.data;
          const merged = profiles.get(from) ?? emptyProfile(from);
          set(mergeProfiles(profiles.get(into) ?? emptyProfile(into), merged));
          gone.add(from);
          for (const earlier of merged.mergedFrom) redirected.add(earlier);
          outbox.push(toOutbox(event, into, from, into, event.data.eventId));
          break;
        }
        case 'TouchpointAttributed': {
          const { customerId, eventId } = event.data;
          const touchpoint = byEventId.get(eventId)!;
          set(evolveProfile(profiles.get(customerId) ?? null, touchpointRecorded(customerId, touchpoint, channelOfTouchpoint(touchpoint))));
          break;
        }
        case 'IdentityConflictRecorded': {
          const { customerId, eventId, identifier, conflictingCustomerId } = event.data;
          outbox.push(toOutbox(event, customerId, eventId, identifier));
          // Its withdrawals of consent reach the holder of the identifier it was kept from, too.
          const touchpoint = byEventId.get(eventId)!;
          if (conflictingCustomerId !== null && withdrawsConsent(touchpoint)) {
            set(evolveProfile(profiles.get(conflictingCustomerId) ?? null, consentWithdrawnVia(conflictingCustomerId, identifier, touchpoint)));
          }
          break;
        }
        default: {
          const unknown: never = event;
          throw new Error(`unhandled identity event ${JSON.stringify(unknown)}`);
        }
      }
    }
    return { changed, gone, redirected, outbox };
  }
}

/**
 * The links live processing refused for these touchpoints (its identity conflicts), for a rebuild
 * to refuse again: reading the log in another order (Kafka's partitions interleave otherwise), it
 * would otherwise settle a conflict otherwise, and each rebuild perhaps otherwise again.
 */
async function refusalsByLive(tx: SqlExecutor, touchpoints: readonly Touchpoint[]): Promise<Map<string, RecordedRefusal[]>> {
  const { rows } = await tx.query<{ event_id: string; identifier: string; reason: IdentityConflictReason }>(
    `SELECT event_id, identifier, reason FROM ${quoteIdentifier(CUSTOMER_PROJECTION)}.identity_conflicts WHERE event_id = ANY($1::text[])`,
    [touchpoints.map((t) => t.eventId)],
  );
  const refusals = new Map<string, RecordedRefusal[]>();
  for (const { event_id, identifier, reason } of rows) refusals.set(event_id, [...(refusals.get(event_id) ?? []), { identifier, reason }]);
  return refusals;
}

/**
 * The touchpoints that withdrew consent naming an identifier nobody held then, whose link the
 * guardrails refused, for the identifiers the batch links: the customer that links one takes
 * their withdrawals, as the holder of an identifier at the time does (an identity conflict naming
 * it). So the holder of an address has its withdrawals whichever came first, as ClickHouse's
 * `consents`, which resolves each key to its holder of today, has them.
 */
async function withdrawalsByIdentifier(
  tx: SqlExecutor,
  schema: string,
  decided: readonly IdentityEvent[],
  byEventId: ReadonlyMap<string, Touchpoint>,
): Promise<Map<string, Touchpoint[]>> {
  const linked = decided.flatMap((event) => (event.type === 'IdentifierLinked' ? [event.data.identifier] : []));
  if (linked.length === 0) return new Map();
  const s = quoteIdentifier(schema);
  const { rows: refused } = await tx.query<{ identifier: string; event_id: string }>(
    `SELECT identifier, event_id FROM ${s}.identity_conflicts WHERE identifier = ANY($1::text[]) AND conflicting_customer_id IS NULL ORDER BY event_id`,
    [linked],
  );
  if (refused.length === 0) return new Map();
  const earlier = refused.map((r) => r.event_id).filter((id) => !byEventId.has(id));
  const { rows } = earlier.length === 0 ? { rows: [] } : await tx.query<{ touchpoint: Touchpoint }>(`SELECT touchpoint FROM ${s}.touchpoints WHERE event_id = ANY($1::text[])`, [earlier]);
  const touchpoints = new Map([...byEventId, ...rows.map((r) => [r.touchpoint.eventId, r.touchpoint] as const)]);
  const withdrawals = new Map<string, Touchpoint[]>();
  for (const { identifier, event_id } of refused) {
    const touchpoint = touchpoints.get(event_id);
    if (touchpoint && withdrawsConsent(touchpoint)) withdrawals.set(identifier, [...(withdrawals.get(identifier) ?? []), touchpoint]);
  }
  return withdrawals;
}

/**
 * The statements under way and Node's work beside them, both finished: a failure of either is
 * thrown only once the statements have ended, since the transaction's rollback must not meet one
 * still running (nor a later one of theirs run after it).
 */
async function bothDone<A, B>(statements: Promise<A>, work: () => Promise<B>): Promise<[A, B]> {
  const [sent, done] = await Promise.allSettled([statements, Promise.resolve().then(work)]);
  if (sent.status === 'rejected') throw sent.reason;
  if (done.status === 'rejected') throw done.reason;
  return [sent.value, done.value];
}

type MutableGraph = { [K in keyof IdentityGraph]: IdentityGraph[K] extends ReadonlyMap<infer Key, infer Value> ? Map<Key, Value> : never };

function mutableGraph(graph: IdentityGraph): MutableGraph {
  return { customers: new Map(graph.customers), owners: new Map(graph.owners), attributions: new Map(graph.attributions) };
}

/** Every entry a folded slice holds is the newest state of that customer, identifier or touchpoint. */
function absorb(graph: MutableGraph, slice: IdentityGraph): void {
  for (const [id, node] of slice.customers) graph.customers.set(id, node);
  for (const [key, owner] of slice.owners) graph.owners.set(key, owner);
  for (const [eventId, customerId] of slice.attributions) graph.attributions.set(eventId, customerId);
}

/**
 * The batch's touchpoints by event id, the first copy of each: a log may hold a second copy (a
 * Kafka append retried after a crash, its receivedAt later), which live processing meets in a later
 * batch and passes over, so a rebuild reading both in one batch must keep the first too.
 */
function firstOfEachEventId(touchpoints: readonly Touchpoint[]): Map<string, Touchpoint> {
  const byEventId = new Map<string, Touchpoint>();
  for (const touchpoint of touchpoints) if (!byEventId.has(touchpoint.eventId)) byEventId.set(touchpoint.eventId, touchpoint);
  return byEventId;
}

function customersIn(events: readonly IdentityEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const event of events) {
    if (event.type === 'CustomerMerged') ids.add(event.data.from).add(event.data.into);
    else ids.add(event.data.customerId);
    if (event.type === 'IdentityConflictRecorded' && event.data.conflictingCustomerId !== null) ids.add(event.data.conflictingCustomerId);
  }
  return ids;
}

/** Identity events go to the event store on the stream of the customer they concern. */
function toOutbox(event: IdentityEvent, customerId: string, ...identity: string[]): OutboxEntry {
  return {
    streamId: customerIdentityStreamId(customerId),
    event: { eventId: deterministicEventId(event.type, ...identity), type: event.type, data: event.data },
  };
}

export function customerIdentityStreamId(customerId: string): string {
  return streamId('identity', customerId);
}
