import type { AnalyticsMigration } from '@cdp/clickhouse';

/*
 * The analytics tables in ClickHouse. Every statement runs on ClickHouse 18.16 (servers mode) and
 * on chDB (embedded mode). Times are DateTime('UTC') to the second, with the exact instant kept
 * as epoch milliseconds beside it; money is Decimal(18, 3), exact for every currency with up to
 * three minor digits, and a customer's total Decimal(38, 3).
 *
 * A touchpoint is stored with its customer key: the first of its identifiers in priority order
 * (customerId, loyaltyCard, email, phone, socialHandle, deviceId), as "type:value". The identity
 * rules land a touchpoint on the customer holding that identifier, so `identity_map` (key ->
 * customer, versioned) resolves every touchpoint to its customer of today at read time, merges
 * included, without rewriting a row.
 */
export const ANALYTICS_MIGRATIONS: readonly AnalyticsMigration[] = [
  {
    id: '0001-touchpoints-purchases-refunds-identity',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS touchpoints (
        event_id String,
        type String,
        source String,
        channel String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        received_at DateTime('UTC'),
        customer_key String,
        identifiers Array(String),
        touchpoint String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(occurred_at)
      ORDER BY (customer_key, occurred_at, event_id)`,
      `CREATE TABLE IF NOT EXISTS purchases (
        event_id String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        customer_key String,
        order_id String,
        amount Decimal(18, 3),
        currency String,
        channel String,
        source String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(occurred_at)
      ORDER BY (customer_key, occurred_at, event_id)`,
      `CREATE TABLE IF NOT EXISTS refunds (
        event_id String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        customer_key String,
        order_id String,
        amount Decimal(18, 3),
        currency String,
        reason String,
        source String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(occurred_at)
      ORDER BY (customer_key, occurred_at, event_id)`,
      `CREATE TABLE IF NOT EXISTS identity_map (
        key String,
        customer_id String,
        version UInt64
      ) ENGINE = ReplacingMergeTree(version)
      ORDER BY key`,
      `CREATE TABLE IF NOT EXISTS rfm_runs (
        run_id String,
        as_of DateTime('UTC'),
        as_of_ms UInt64,
        window_days UInt32,
        currency String,
        customers UInt64,
        requested_at DateTime('UTC'),
        finished_at DateTime('UTC')
      ) ENGINE = MergeTree
      ORDER BY (as_of, run_id)`,
      `CREATE TABLE IF NOT EXISTS rfm_snapshots (
        run_id String,
        as_of DateTime('UTC'),
        window_days UInt32,
        customer_id String,
        recency_days UInt32,
        frequency UInt64,
        monetary Decimal(18, 3),
        r UInt8,
        f UInt8,
        m UInt8,
        segment String
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMM(as_of)
      ORDER BY (run_id, customer_id)`,
    ],
  },
  {
    id: '0002-resolved-views-and-daily-views',
    statements: () => [
      `CREATE VIEW IF NOT EXISTS identity_current AS
      SELECT key, argMax(customer_id, version) AS customer_id FROM identity_map GROUP BY key`,
      resolvedView('touchpoints', 'event_id, type, source, channel, occurred_at, occurred_at_ms, received_at, customer_key, identifiers, touchpoint'),
      resolvedView('purchases', 'event_id, occurred_at, occurred_at_ms, customer_key, order_id, amount, currency, channel, source'),
      resolvedView('refunds', 'event_id, occurred_at, occurred_at_ms, customer_key, order_id, amount, currency, reason, source'),
      `CREATE VIEW IF NOT EXISTS touchpoints_daily AS
      SELECT toDate(occurred_at) AS day, type, channel, count() AS touchpoints, uniqExact(customer_key) AS identifiers
      FROM touchpoints GROUP BY day, type, channel`,
      `CREATE VIEW IF NOT EXISTS revenue_daily AS
      SELECT day, currency, sum(is_order) AS orders, sum(purchased) AS gross, sum(returned) AS refunded, sum(purchased) - sum(returned) AS net
      FROM (
        SELECT toDate(occurred_at) AS day, currency, 1 AS is_order, amount AS purchased, toDecimal64(0, 3) AS returned FROM purchases
        UNION ALL
        SELECT toDate(occurred_at) AS day, currency, 0 AS is_order, toDecimal64(0, 3) AS purchased, amount AS returned FROM refunds
      ) GROUP BY day, currency`,
      `CREATE VIEW IF NOT EXISTS customer_summary AS
      SELECT customer_id, min(occurred_at) AS first_seen_at, max(occurred_at) AS last_seen_at, count() AS touchpoints,
        countIf(type = 'purchase') AS purchases, countIf(type = 'refund') AS refunds, countIf(type = 'call') AS calls,
        if(purchases = 0, NULL, maxIf(occurred_at, type = 'purchase')) AS last_purchase_at
      FROM touchpoints_resolved GROUP BY customer_id`,
      `CREATE VIEW IF NOT EXISTS customer_revenue AS
      SELECT customer_id, currency, sum(is_order) AS orders, sum(purchased) AS gross, sum(returned) AS refunded, sum(purchased) - sum(returned) AS net
      FROM (
        SELECT customer_id, currency, 1 AS is_order, amount AS purchased, toDecimal64(0, 3) AS returned FROM purchases_resolved
        UNION ALL
        SELECT customer_id, currency, 0 AS is_order, toDecimal64(0, 3) AS purchased, amount AS returned FROM refunds_resolved
      ) GROUP BY customer_id, currency`,
    ],
  },
  {
    // The top-level scalar payload fields of every touchpoint, as text, so a type's view can show
    // them as columns whatever the type (source-views.ts); `source_views` lists the views made so.
    id: '0003-touchpoint-fields-and-source-views',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS touchpoint_fields (
        event_id String,
        type String,
        source String,
        channel String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        customer_key String,
        field_names Array(String),
        field_values Array(String)
      ) ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMM(occurred_at)
      ORDER BY (type, customer_key, occurred_at, event_id)`,
      resolvedView('touchpoint_fields', 'event_id, type, source, channel, occurred_at, occurred_at_ms, customer_key, field_names, field_values'),
      `CREATE TABLE IF NOT EXISTS source_views (
        name String,
        touchpoint_type String
      ) ENGINE = ReplacingMergeTree
      ORDER BY name`,
    ],
  },
  {
    // rfm_snapshots ordered by run only: sorting a run's million rows by customer_id took about half
    // of writing them, and every reader takes whole runs. The rows move to a new table, which then
    // takes the name; each statement can run again after a failure at any point.
    id: '0004-rfm-snapshots-ordered-by-run',
    statements: () => [
      'DROP TABLE IF EXISTS rfm_snapshots_by_run',
      'CREATE TABLE rfm_snapshots_by_run AS rfm_snapshots ENGINE = MergeTree PARTITION BY toYYYYMM(as_of) ORDER BY run_id',
      'INSERT INTO rfm_snapshots_by_run SELECT * FROM rfm_snapshots',
      'DROP TABLE IF EXISTS rfm_snapshots_by_customer',
      'RENAME TABLE rfm_snapshots TO rfm_snapshots_by_customer, rfm_snapshots_by_run TO rfm_snapshots',
      'DROP TABLE rfm_snapshots_by_customer',
    ],
  },
  {
    // Purchases and refunds in one partition: once merged, a part holds each customer key's rows
    // side by side, and summing them per key (RFM's first step) then finds the key's totals in the
    // CPU cache. Monthly parts split every key's rows across 24 or more of them; on 10 million
    // purchases the sum took 1.1 s that way and 0.5 s this way (docs/benchmarks.md).
    id: '0005-purchases-and-refunds-in-one-partition',
    statements: (_engine, tables) => [
      ...moveRowsToNewEngine('purchases', 'ReplacingMergeTree PARTITION BY tuple() ORDER BY (customer_key, occurred_at, event_id)', tables),
      ...moveRowsToNewEngine('refunds', 'ReplacingMergeTree PARTITION BY tuple() ORDER BY (customer_key, occurred_at, event_id)', tables),
    ],
  },
  {
    // A customer's spend is a sum of amounts of up to 15 digits before the point: it outgrows
    // Decimal(18, 3), and an RFM run that met one such customer failed for everyone.
    id: '0006-rfm-monetary-as-decimal-38',
    statements: () => ['ALTER TABLE rfm_snapshots MODIFY COLUMN monetary Decimal(38, 3)'],
  },
  {
    // What each touchpoint said about marketing consent, so that a list built here (a campaign's
    // audience) can keep only the customers who said yes. consent_current is each customer's word
    // of today per channel: the latest by occurredAt, and at one instant a withdrawal over a grant,
    // as the profile has it.
    id: '0007-consents',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS consents (
        event_id String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        customer_key String,
        channel String,
        status String,
        source String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY tuple()
      ORDER BY (customer_key, channel, occurred_at_ms, event_id)`,
      resolvedView('consents', 'event_id, occurred_at, occurred_at_ms, customer_key, channel, status, source'),
      `CREATE VIEW IF NOT EXISTS consent_current AS
      SELECT customer_id, channel,
        argMax(status, (occurred_at_ms, status = 'denied', event_id)) AS status,
        max(occurred_at) AS occurred_at
      FROM consents_resolved
      GROUP BY customer_id, channel`,
    ],
  },
  {
    // The dates that matter to each customer (a passport's expiry, a birthday), so that a reminder
    // list is a query. The date is text: a Date column holds nothing before 1970, and birthdays do.
    id: '0008-important-dates',
    statements: () => [
      `CREATE TABLE IF NOT EXISTS important_dates (
        event_id String,
        occurred_at DateTime('UTC'),
        occurred_at_ms UInt64,
        customer_key String,
        name String,
        date String,
        source String
      ) ENGINE = ReplacingMergeTree
      PARTITION BY tuple()
      ORDER BY (customer_key, name, occurred_at_ms, event_id)`,
      resolvedView('important_dates', 'event_id, occurred_at, occurred_at_ms, customer_key, name, date, source'),
      `CREATE VIEW IF NOT EXISTS important_dates_current AS
      SELECT customer_id, name, argMax(date, (occurred_at_ms, event_id)) AS date, max(occurred_at) AS told_at
      FROM important_dates_resolved
      GROUP BY customer_id, name`,
    ],
  },
  {
    // A withdrawn date (a null in payload.importantDates) is a row with an empty date: a name whose
    // latest row is one has no date today, as the profile shows it.
    id: '0009-important-dates-current-without-withdrawals',
    statements: () => [
      'DROP TABLE IF EXISTS important_dates_current',
      `CREATE VIEW important_dates_current AS
      SELECT customer_id, name, date, told_at
      FROM (
        SELECT customer_id, name, argMax(date, (occurred_at_ms, event_id)) AS date, max(occurred_at) AS told_at
        FROM important_dates_resolved
        GROUP BY customer_id, name
      )
      WHERE date != ''`,
    ],
  },
  {
    // The copy's mark (key '', owner '') is a row of identity_map, not an owner of a key: counted
    // as one, it made every count of this view one too many.
    id: '0010-identity-current-without-the-copy-mark',
    statements: () => [
      'DROP TABLE IF EXISTS identity_current',
      `CREATE VIEW identity_current AS
      SELECT key, argMax(customer_id, version) AS customer_id FROM identity_map WHERE key != '' GROUP BY key`,
    ],
  },
  {
    // rfm_snapshots partitioned by the day a run scored (scored_at), so that the runs past their
    // retention go by dropping whole days (purgeRfmHistory), where a DELETE would rewrite every part
    // holding a row of them. Rows scored before have their as_of for scored_at. The old table is
    // renamed _by_month first, so a failure at any point is told by the tables left: before that
    // rename the copy starts over; after it, only what is left of the swap runs (a RENAME of two
    // tables is not atomic on 18.16).
    id: '0011-rfm-snapshots-by-day-scored',
    statements: (_engine, tables) => {
      if (tables.has('rfm_snapshots_by_month')) {
        return [...(tables.has('rfm_snapshots') ? [] : ['RENAME TABLE rfm_snapshots_by_day TO rfm_snapshots']), 'DROP TABLE rfm_snapshots_by_month'];
      }
      return [
        'DROP TABLE IF EXISTS rfm_snapshots_by_day',
        `CREATE TABLE rfm_snapshots_by_day (${RFM_SNAPSHOT_COLUMNS}, scored_at DateTime('UTC'))
        ENGINE = MergeTree PARTITION BY toYYYYMMDD(scored_at) ORDER BY run_id`,
        `INSERT INTO rfm_snapshots_by_day (${RFM_SNAPSHOT_COLUMN_NAMES}, scored_at) SELECT ${RFM_SNAPSHOT_COLUMN_NAMES}, as_of FROM rfm_snapshots`,
        'RENAME TABLE rfm_snapshots TO rfm_snapshots_by_month, rfm_snapshots_by_day TO rfm_snapshots',
        'DROP TABLE rfm_snapshots_by_month',
      ];
    },
  },
  {
    // Consent is kept per channel, not per address: the latest yes may have come from a form that
    // named no address of the channel, or named one that another customer holds (a link the
    // guardrails refused). consented_addresses gives, per customer and channel, the address the
    // latest yes named, while the customer still holds it, so a list to message is one join.
    // The address is the touchpoint's identifier key ("email:…", "phone:…"), in the form
    // identity_current keys it. said_yes is read twice: as the join's right side it keeps the hash
    // table to the yeses, and in the IN it keeps the touchpoints read to theirs. ALL joins, since
    // one touchpoint may say yes to two channels, and sms and phone share a key (chDB's ANY keeps
    // one row per key of the left side too); DISTINCT, since a touchpoint may have two rows until
    // ClickHouse merges them.
    id: '0012-consented-addresses',
    statements: () => [`CREATE VIEW IF NOT EXISTS consented_addresses AS ${CONSENTED_ADDRESSES}`],
  },
  {
    // 0012 as first written read each address out of the touchpoint's JSON, and joined with ANY:
    // a database that ran it holds that view, which CREATE ... IF NOT EXISTS leaves as it is.
    id: '0013-consented-addresses-from-identifier-keys',
    statements: () => ['DROP TABLE IF EXISTS consented_addresses', `CREATE VIEW consented_addresses AS ${CONSENTED_ADDRESSES}`],
  },
];

/** Each customer's latest word on each channel that has an address, when it is a yes, with the touchpoint that said it (as consent_current orders them). */
const LATEST_YES = `SELECT customer_id, channel,
  argMax(event_id, (occurred_at_ms, status = 'denied', event_id)) AS said_by,
  argMax(status, (occurred_at_ms, status = 'denied', event_id)) AS latest
FROM consents_resolved
WHERE channel IN ('email', 'sms', 'phone')
GROUP BY customer_id, channel
HAVING latest = 'granted'`;

/** The view consented_addresses (migrations 0012 and 0013). */
const CONSENTED_ADDRESSES = `SELECT DISTINCT customer_id, channel, substring(key, 7) AS address
FROM (
  SELECT customer_id, channel, if(channel = 'email', email_key, phone_key) AS key
  FROM (
    SELECT
      event_id AS said_by,
      arrayFirst(k -> substring(k, 1, 6) = 'email:', identifiers) AS email_key,
      arrayFirst(k -> substring(k, 1, 6) = 'phone:', identifiers) AS phone_key
    FROM touchpoints
    WHERE event_id IN (SELECT said_by FROM (${LATEST_YES}))
  ) AS named
  ALL INNER JOIN (${LATEST_YES}) AS said_yes USING said_by
  WHERE key != ''
) AS named_addresses
ALL INNER JOIN (SELECT key, customer_id FROM identity_current) AS held USING (key, customer_id)`;

/** The columns rfm_snapshots had before scored_at (migration 0011), as migration 0006 left them. */
const RFM_SNAPSHOT_COLUMNS = `run_id String, as_of DateTime('UTC'), window_days UInt32, customer_id String, recency_days UInt32,
  frequency UInt64, monetary Decimal(38, 3), r UInt8, f UInt8, m UInt8, segment String`;
const RFM_SNAPSHOT_COLUMN_NAMES = 'run_id, as_of, window_days, customer_id, recency_days, frequency, monetary, r, f, m, segment';

/**
 * Moves the rows of a ReplacingMergeTree table to a new one of the same columns and the given
 * engine, under the same name. The table is renamed aside first, so the sink's inserts fail, and
 * are retried, until the new table exists, and then go to it: none is lost in a copy. OPTIMIZE …
 * FINAL then folds any row the new table got twice: from a copy cut short and made again whole
 * after a restart, or from the sink repeating, while the copy ran, a batch the old table held.
 */
function moveRowsToNewEngine(table: string, engine: string, tables: ReadonlySet<string>): string[] {
  const aside = `${table}_moving`;
  return [
    ...(tables.has(aside) ? [] : [`RENAME TABLE ${table} TO ${aside}`]),
    `CREATE TABLE IF NOT EXISTS ${table} AS ${aside} ENGINE = ${engine}`,
    `INSERT INTO ${table} SELECT * FROM ${aside}`,
    `OPTIMIZE TABLE ${table} FINAL`,
    `DROP TABLE ${aside}`,
  ];
}

/**
 * The table with each row's customer of today: the latest owner of its customer key, or, for a
 * touchpoint with no usable identifier, the customer it founded ("cus_" + its event id without
 * dashes, as `customerIdFor` names it).
 */
function resolvedView(table: string, columns: string): string {
  return `CREATE VIEW IF NOT EXISTS ${table}_resolved AS
    SELECT ${columns}, if(owner = '', concat('cus_', replaceAll(event_id, '-', '')), owner) AS customer_id
    FROM ${table} ANY LEFT JOIN (SELECT key AS customer_key, argMax(customer_id, version) AS owner FROM identity_map GROUP BY key) AS owners USING customer_key`;
}
