import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { resolve } from 'node:path';

/** How the platform runs, read from the environment once at start. */
export interface Settings {
  readonly mode: 'embedded' | 'servers';
  readonly port: number;
  /** Embedded mode keeps all of its data under this folder. */
  readonly dataDir: string;
  readonly kafkaBrokers: readonly string[];
  /** Names the deployment's topics and consumer groups on a shared cluster: "<namespace>.touchpoints.v1". */
  readonly kafkaNamespace: string;
  readonly databaseUrl: string;
  readonly clickhouseUrl: string;
  readonly eventStoreDbUrl: string | undefined;
  readonly defaultPhoneRegion: CountryCode;
  readonly maxBodyBytes: number;
  readonly schemasDir: string | undefined;
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
  const region = (env.CDP_DEFAULT_PHONE_REGION ?? 'IR').toUpperCase();
  if (!isSupportedCountry(region)) problems.push(`CDP_DEFAULT_PHONE_REGION=${region}: use an ISO 3166 country code such as IR or DE`);
  const kafkaNamespace = env.CDP_KAFKA_NAMESPACE ?? 'cdp';
  if (!/^[a-z][a-z0-9_-]*$/.test(kafkaNamespace)) problems.push(`CDP_KAFKA_NAMESPACE=${kafkaNamespace}: use lower-case letters, digits, - and _`);
  const maxBodyBytes = Number(env.CDP_MAX_BODY_BYTES ?? 5 * 1024 * 1024);
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1024) problems.push(`CDP_MAX_BODY_BYTES=${env.CDP_MAX_BODY_BYTES}: use a number of bytes, at least 1024`);
  if (problems.length > 0) throw new SettingsError(`The platform cannot start: ${problems.join('; ')}`);

  return {
    mode: mode as Settings['mode'],
    port,
    dataDir: resolve(env.CDP_DATA_DIR ?? '.cdp'),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean),
    kafkaNamespace,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    clickhouseUrl: env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123',
    eventStoreDbUrl: env.EVENTSTOREDB_URL || undefined,
    defaultPhoneRegion: region as CountryCode,
    maxBodyBytes,
    schemasDir: env.CDP_SCHEMAS_DIR,
  };
}
