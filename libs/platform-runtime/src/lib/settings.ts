import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_LOYALTY_PROGRAM, InvalidLoyaltyProgramError, parseLoyaltyProgram, type LoyaltyProgram } from '@cdp/loyalty';
import { DEFAULT_RFM_GRID, parseRfmGrid, type RfmGrid } from '@cdp/rfm';
import { isCurrencyCode } from '@cdp/money';
import { DEFAULT_IDENTITY_POLICY, identityPolicyProblems, isIdentifierType, type IdentityPolicy } from '@cdp/identity';
import { withoutCredentials } from './server-unreachable';

/** How the platform runs, read from the environment once at start. */
export interface Settings {
  readonly mode: 'embedded' | 'servers';
  readonly port: number;
  /**
   * The address HTTP listens on (CDP_HOST): this machine only in embedded mode, which runs on a
   * developer's machine; in servers mode, whose processes are reached over the network, undefined:
   * every interface, IPv6 and IPv4 (Node's own default, `::` where the machine has IPv6).
   */
  readonly host: string | undefined;
  /**
   * The host names HTTP answers for besides loopback names and IP addresses (CDP_ALLOWED_HOSTS:
   * "cdp.example.com", "*.example.com" for every name under it); undefined answers any name on an
   * address other than loopback. Keeps out web pages that rebind a name of their own to the platform.
   */
  readonly allowedHosts: readonly string[] | undefined;
  /** Embedded mode keeps all of its data under this folder. */
  readonly dataDir: string;
  readonly kafkaBrokers: readonly string[];
  /** Names the deployment's topics and consumer groups on a shared cluster: "<namespace>.touchpoints.v1". */
  readonly kafkaNamespace: string;
  /** Servers mode: whether ingest processes take touchpoints from "<namespace>.touchpoints.raw.v1" (CDP_KAFKA_INTAKE, default on). */
  readonly kafkaIntake: boolean;
  /**
   * Servers mode: how long after its last heartbeat a member of the platform's consumer groups is
   * given up and its partitions go to the others (CDP_KAFKA_SESSION_TIMEOUT_SECONDS, default 30).
   */
  readonly kafkaSessionTimeoutSeconds: number;
  /** Identity resolution's guardrails: per type, how many values one customer may hold (CDP_IDENTITY_LIMITS, e.g. "email=10,phone=3"; the rest as DEFAULT_IDENTITY_POLICY). */
  readonly identityPolicy: IdentityPolicy;
  readonly databaseUrl: string;
  /** Servers mode: connections in the process's Postgres pool (CDP_DATABASE_POOL_SIZE, default 10). */
  readonly databasePoolSize: number;
  /** Servers mode: how long a new connection to Postgres may take to be ready before it is given up (CDP_DATABASE_CONNECT_TIMEOUT_SECONDS, default 30). */
  readonly databaseConnectTimeoutSeconds: number;
  /** The ClickHouse server (servers mode), without the database. */
  readonly clickhouseUrl: string;
  /** The analytics database: CLICKHOUSE_URL's path ("http://host:8123/cdp"), "cdp" when it has none. */
  readonly clickhouseDatabase: string;
  readonly eventStoreDbUrl: string | undefined;
  readonly defaultPhoneRegion: CountryCode;
  readonly maxBodyBytes: number;
  /**
   * How long the HTTP server keeps an idle keep-alive connection open (CDP_HTTP_KEEP_ALIVE_SECONDS,
   * default 65): longer than the clients and load balancers in front of it keep theirs.
   */
  readonly httpKeepAliveSeconds: number;
  readonly schemasDir: string | undefined;
  /**
   * Embedded mode: how often PGlite's tables are vacuumed and analyzed where autovacuum's rule says
   * so, and its WAL checkpointed, since PGlite has no autovacuum or checkpointer
   * (CDP_TABLE_MAINTENANCE_EVERY_SECONDS, default 60; 0 turns it off).
   */
  readonly tableMaintenanceEverySeconds: number;
  /**
   * How long a dead letter is kept once resolved (CDP_DEAD_LETTER_RETENTION_DAYS, default 30; 0
   * keeps it): it holds the whole event, personal data included.
   */
  readonly deadLetterRetentionDays: number;
  readonly rfm: RfmSettings;
  readonly loyalty: LoyaltySettings;
  readonly feed: FeedSettings;
}

export interface LoyaltySettings {
  readonly program: LoyaltyProgram;
  /** The file the program was read from. */
  readonly programFile: string;
  /** How often lots whose expiry has come are expired; 0 turns it off. */
  readonly expiryEverySeconds: number;
}

export interface FeedSettings {
  /** How often an SSE subscriber gets a heartbeat comment (CDP_FEED_HEARTBEAT_SECONDS, default 15). */
  readonly heartbeatSeconds: number;
  /** How long a subscriber may leave the stream unread before it is disconnected (CDP_FEED_SLOW_CONSUMER_SECONDS, default 30). */
  readonly slowConsumerSeconds: number;
  /** How many SSE subscribers a process serves at once (CDP_FEED_MAX_SUBSCRIBERS, default 500): each holds a file descriptor. */
  readonly maxSubscribers: number;
  /** How long the feed's log keeps a change that is not its customer's latest (CDP_FEED_RETENTION_DAYS, default 7; 0 keeps every change). */
  readonly retentionDays: number;
}

/** The program this repository ships; CDP_LOYALTY_PROGRAM names another file. */
export const DEFAULT_LOYALTY_PROGRAM_FILE = resolve(__dirname, '../../../../config/loyalty-program.json');

export interface RfmSettings {
  /** Only amounts in this currency count in monetary. */
  readonly currency: string;
  readonly grid: RfmGrid;
  /** How often the scheduled run repeats; 0 turns it off. */
  readonly everyMinutes: number;
  /** How long a run waits for the projections it reads before it fails. */
  readonly catchUpTimeoutMs: number;
  /** How many days ClickHouse keeps a run's scores (CDP_RFM_RETENTION_DAYS, default 30); 0 keeps every run. */
  readonly retentionDays: number;
}

export class SettingsError extends Error {
  readonly code = 'SETTINGS.INVALID';
}

/** Reads the settings, naming every variable that is wrong and what it should look like. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const mode = env.CDP_MODE ?? 'embedded';
  if (mode !== 'embedded' && mode !== 'servers') problems.push(`CDP_MODE=${mode}: use "embedded" (the default) or "servers"`);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT=${env.PORT}: use a TCP port number, e.g. 3000`);
  const host = env.CDP_HOST ?? (mode === 'servers' ? undefined : '127.0.0.1');
  if (host !== undefined && isIP(host) === 0 && host !== 'localhost') problems.push(`CDP_HOST=${host}: use an IP address of this machine (127.0.0.1, 0.0.0.0 for every interface, :: for every IPv6 one) or localhost`);
  // Empty, as a template with an empty default gives it, is unset: every name, not none.
  const allowedNames = env.CDP_ALLOWED_HOSTS?.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean) ?? [];
  const allowedHosts = allowedNames.length > 0 ? allowedNames : undefined;
  for (const name of allowedHosts ?? []) {
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name)) {
      problems.push(`CDP_ALLOWED_HOSTS: "${name}" is not a host name; list names without scheme or port, comma-separated, e.g. cdp.example.com,*.cdp.internal`);
    }
  }
  const region = (env.CDP_DEFAULT_PHONE_REGION ?? 'IR').toUpperCase();
  if (!isSupportedCountry(region)) problems.push(`CDP_DEFAULT_PHONE_REGION=${region}: use an ISO 3166 country code such as IR or DE`);
  const kafkaNamespace = env.CDP_KAFKA_NAMESPACE ?? 'cdp';
  if (!/^[a-z][a-z0-9_-]*$/.test(kafkaNamespace)) problems.push(`CDP_KAFKA_NAMESPACE=${kafkaNamespace}: use lower-case letters, digits, - and _`);
  const kafkaIntake = env.CDP_KAFKA_INTAKE ?? 'on';
  if (kafkaIntake !== 'on' && kafkaIntake !== 'off') problems.push(`CDP_KAFKA_INTAKE=${kafkaIntake}: use "on" (the default) or "off"`);
  const kafkaSessionTimeoutSeconds = Number(env.CDP_KAFKA_SESSION_TIMEOUT_SECONDS ?? 30);
  if (!Number.isInteger(kafkaSessionTimeoutSeconds) || kafkaSessionTimeoutSeconds < 6 || kafkaSessionTimeoutSeconds > 1800) {
    problems.push(`CDP_KAFKA_SESSION_TIMEOUT_SECONDS=${env.CDP_KAFKA_SESSION_TIMEOUT_SECONDS}: use a whole number of seconds from 6 to 1800, the bounds Kafka's brokers allow by default`);
  }
  const maxBodyBytes = Number(env.CDP_MAX_BODY_BYTES ?? 5 * 1024 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) problems.push(`CDP_MAX_BODY_BYTES=${env.CDP_MAX_BODY_BYTES}: use a number of bytes, at least 1024`);
  const httpKeepAliveSeconds = Number(env.CDP_HTTP_KEEP_ALIVE_SECONDS ?? 65);
  if (!Number.isInteger(httpKeepAliveSeconds) || httpKeepAliveSeconds < 1 || httpKeepAliveSeconds > 3600) {
    problems.push(`CDP_HTTP_KEEP_ALIVE_SECONDS=${env.CDP_HTTP_KEEP_ALIVE_SECONDS}: use a whole number of seconds from 1 to 3600`);
  }
  const databasePoolSize = Number(env.CDP_DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(databasePoolSize) || databasePoolSize < 2) problems.push(`CDP_DATABASE_POOL_SIZE=${env.CDP_DATABASE_POOL_SIZE}: use a whole number of connections, at least 2`);
  const databaseConnectTimeoutSeconds = Number(env.CDP_DATABASE_CONNECT_TIMEOUT_SECONDS ?? 30);
  if (!Number.isFinite(databaseConnectTimeoutSeconds) || databaseConnectTimeoutSeconds < 1 || databaseConnectTimeoutSeconds > 600) {
    problems.push(`CDP_DATABASE_CONNECT_TIMEOUT_SECONDS=${env.CDP_DATABASE_CONNECT_TIMEOUT_SECONDS}: use a number of seconds from 1 to 600`);
  }
  const tableMaintenanceEverySeconds = Number(env.CDP_TABLE_MAINTENANCE_EVERY_SECONDS ?? 60);
  if (!Number.isFinite(tableMaintenanceEverySeconds) || tableMaintenanceEverySeconds < 0) {
    problems.push(`CDP_TABLE_MAINTENANCE_EVERY_SECONDS=${env.CDP_TABLE_MAINTENANCE_EVERY_SECONDS}: use a number of seconds (0 turns table maintenance off)`);
  }
  const deadLetterRetentionDays = Number(env.CDP_DEAD_LETTER_RETENTION_DAYS || 30);
  if (!Number.isFinite(deadLetterRetentionDays) || deadLetterRetentionDays < 0 || deadLetterRetentionDays > 36_500) {
    problems.push(`CDP_DEAD_LETTER_RETENTION_DAYS=${env.CDP_DEAD_LETTER_RETENTION_DAYS}: use a number of days up to 36500 (0 keeps resolved dead letters)`);
  }
  const identity = identitySettings(env.CDP_IDENTITY_LIMITS, problems);
  const rfm = rfmSettings(env, problems);
  const loyalty = loyaltySettings(env, problems);
  const feed = feedSettings(env, problems);
  const clickhouse = clickhouseLocation(env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123', problems);
  if (problems.length > 0) throw new SettingsError(`The platform cannot start: ${problems.join('; ')}`);

  return {
    mode: mode as Settings['mode'],
    port,
    host,
    allowedHosts,
    dataDir: resolve(env.CDP_DATA_DIR ?? '.cdp'),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaNamespace,
    kafkaIntake: kafkaIntake === 'on',
    kafkaSessionTimeoutSeconds,
    identityPolicy: identity,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    databasePoolSize,
    databaseConnectTimeoutSeconds,
    clickhouseUrl: clickhouse.url,
    clickhouseDatabase: clickhouse.database,
    eventStoreDbUrl: env.EVENTSTOREDB_URL || undefined,
    defaultPhoneRegion: region as CountryCode,
    maxBodyBytes,
    httpKeepAliveSeconds,
    schemasDir: env.CDP_SCHEMAS_DIR,
    tableMaintenanceEverySeconds,
    deadLetterRetentionDays,
    rfm,
    loyalty,
    feed,
  };
}

function feedSettings(env: NodeJS.ProcessEnv, problems: string[]): FeedSettings {
  // At most an hour: a timer of Node's, here or in a client waiting for three heartbeats, fires at once past about 24 days.
  const seconds = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0 || value > 3600) problems.push(`${name}=${env[name]}: use a number of seconds above 0, at most 3600`);
    return value;
  };
  const retentionDays = Number(env.CDP_FEED_RETENTION_DAYS ?? 7);
  if (!Number.isFinite(retentionDays) || retentionDays < 0) problems.push(`CDP_FEED_RETENTION_DAYS=${env.CDP_FEED_RETENTION_DAYS}: use a number of days, or 0 to keep every change`);
  const maxSubscribers = Number(env.CDP_FEED_MAX_SUBSCRIBERS || 500);
  if (!Number.isInteger(maxSubscribers) || maxSubscribers < 1) problems.push(`CDP_FEED_MAX_SUBSCRIBERS=${env.CDP_FEED_MAX_SUBSCRIBERS}: use a whole number of subscribers, at least 1`);
  return { heartbeatSeconds: seconds('CDP_FEED_HEARTBEAT_SECONDS', 15), slowConsumerSeconds: seconds('CDP_FEED_SLOW_CONSUMER_SECONDS', 30), retentionDays, maxSubscribers };
}

function clickhouseLocation(value: string, problems: string[]): { url: string; database: string } {
  const invalid = () => {
    problems.push(`CLICKHOUSE_URL=${withoutCredentials(value)}: use the server's HTTP address, optionally with the database as its path, e.g. http://127.0.0.1:8123/cdp`);
    return { url: value, database: 'cdp' };
  };
  if (!URL.canParse(value)) return invalid();
  const url = new URL(value);
  const database = url.pathname.replace(/^\/+|\/+$/g, '') || 'cdp';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(database)) return invalid();
  url.pathname = '/';
  return { url: url.toString().replace(/\/$/, ''), database };
}

function rfmSettings(env: NodeJS.ProcessEnv, problems: string[]): RfmSettings {
  const currency = (env.CDP_RFM_CURRENCY ?? 'IRR').toUpperCase();
  if (!isCurrencyCode(currency)) problems.push(`CDP_RFM_CURRENCY=${env.CDP_RFM_CURRENCY}: use an ISO 4217 code such as IRR or EUR`);
  const everyMinutes = Number(env.CDP_RFM_EVERY_MINUTES ?? 60);
  if (!Number.isInteger(everyMinutes) || everyMinutes < 0) problems.push(`CDP_RFM_EVERY_MINUTES=${env.CDP_RFM_EVERY_MINUTES}: use a whole number of minutes (0 turns the schedule off)`);
  const catchUpTimeoutMs = Number(env.CDP_RFM_CATCH_UP_TIMEOUT_MS ?? 120_000);
  if (!Number.isInteger(catchUpTimeoutMs) || catchUpTimeoutMs < 0) problems.push(`CDP_RFM_CATCH_UP_TIMEOUT_MS=${env.CDP_RFM_CATCH_UP_TIMEOUT_MS}: use a whole number of milliseconds`);
  let grid = DEFAULT_RFM_GRID;
  if (env.CDP_RFM_GRID) {
    try {
      grid = parseRfmGrid(JSON.parse(env.CDP_RFM_GRID));
    } catch (error) {
      problems.push(`CDP_RFM_GRID: ${(error as Error).message}; give a JSON object {"5": [5 segment names], ..., "1": [...]}`);
    }
  }
  const retentionDays = Number(env.CDP_RFM_RETENTION_DAYS ?? 30);
  if (!Number.isInteger(retentionDays) || retentionDays < 0) problems.push(`CDP_RFM_RETENTION_DAYS=${env.CDP_RFM_RETENTION_DAYS}: use a whole number of days (0 keeps every run)`);
  return { currency, grid, everyMinutes, catchUpTimeoutMs, retentionDays };
}

/** "email=10,phone=3": the limits given replace the default ones of their types. */
function identitySettings(given: string | undefined, problems: string[]): IdentityPolicy {
  if (given === undefined || given.trim() === '') return DEFAULT_IDENTITY_POLICY;
  const limits: Record<string, number> = {};
  const found: string[] = [];
  for (const entry of given.split(',').map((part) => part.trim())) {
    const [type, limit, ...rest] = entry.split('=').map((part) => part.trim());
    if (!isIdentifierType(type) || limit === undefined || !/^\d+$/.test(limit) || rest.length > 0) {
      found.push(`"${entry}" is not type=limit, a type of ${Object.keys(DEFAULT_IDENTITY_POLICY.maxValuesPerType).join(', ')} and a whole number`);
    } else if (type in limits) found.push(`${type} is given twice`);
    else limits[type] = Number(limit);
  }
  const policy = { maxValuesPerType: { ...DEFAULT_IDENTITY_POLICY.maxValuesPerType, ...limits } };
  found.push(...identityPolicyProblems(policy));
  if (found.length === 0) return policy;
  problems.push(`CDP_IDENTITY_LIMITS=${given}: ${found.join('; ')}; e.g. CDP_IDENTITY_LIMITS=email=10,phone=3`);
  return DEFAULT_IDENTITY_POLICY;
}

function loyaltySettings(env: NodeJS.ProcessEnv, problems: string[]): LoyaltySettings {
  const programFile = resolve(env.CDP_LOYALTY_PROGRAM ?? DEFAULT_LOYALTY_PROGRAM_FILE);
  const expiryEverySeconds = Number(env.CDP_LOYALTY_EXPIRY_EVERY_SECONDS ?? 60);
  if (!Number.isInteger(expiryEverySeconds) || expiryEverySeconds < 0) {
    problems.push(`CDP_LOYALTY_EXPIRY_EVERY_SECONDS=${env.CDP_LOYALTY_EXPIRY_EVERY_SECONDS}: use a whole number of seconds (0 turns expiry off)`);
  }
  let program = DEFAULT_LOYALTY_PROGRAM;
  try {
    program = parseLoyaltyProgram(JSON.parse(readFileSync(programFile, 'utf8')), programFile);
  } catch (error) {
    const reason = error instanceof InvalidLoyaltyProgramError ? error.problems.join('; ') : (error as Error).message;
    problems.push(`CDP_LOYALTY_PROGRAM=${programFile}: ${reason}; see docs/loyalty.md for the program file`);
  }
  return { program, programFile, expiryEverySeconds };
}
