import { createServer, type Socket } from 'node:net';
import { openStores, readSettings } from '@cdp/platform-runtime';
import { isolatedServers } from '../support/isolated-servers';

/** A port on this machine where nothing listens. */
const NOTHING_LISTENS = '127.0.0.1:1';
const FIX = 'on this machine `bash infra/local/up.sh` starts Kafka, Postgres and ClickHouse.';

/** Servers mode's start, when one of its servers does not answer: the error names it, where it was looked for, and what to do. */
describe('servers mode cannot reach a server at start', () => {
  let servers: Awaited<ReturnType<typeof isolatedServers>>;
  beforeAll(async () => {
    servers = await isolatedServers();
  });
  afterAll(() => servers?.drop());
  afterEach(() => jest.restoreAllMocks());

  const open = (env: Record<string, string>) => openStores(readSettings({ ...servers.env, CDP_MODE: 'servers', ...env }));

  it('Postgres: names DATABASE_URL, without its password', async () => {
    await expect(open({ DATABASE_URL: `postgres://cdp:secret@${NOTHING_LISTENS}/cdp` })).rejects.toThrow(
      `Postgres at postgres://${NOTHING_LISTENS}/cdp (DATABASE_URL) did not answer (ECONNREFUSED). Start it, or set DATABASE_URL to one that runs; ${FIX}`,
    );
  });

  it('Postgres: names DATABASE_URL and what to do when the database or the role does not exist', async () => {
    await expect(open({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cdp_no_such_database' })).rejects.toThrow(
      'Postgres at postgres://127.0.0.1:5432/cdp_no_such_database (DATABASE_URL) refused the connection: database "cdp_no_such_database" does not exist. Create that database (createdb), or set the variable to one that exists.',
    );
    await expect(open({ DATABASE_URL: 'postgres://nobody_here@127.0.0.1:5432/postgres' })).rejects.toThrow(/^Postgres at .* \(DATABASE_URL\) refused the connection: role "nobody_here" does not exist\. Create that role/);
  });

  it('Postgres that takes the connection and never answers: gives up within CDP_DATABASE_CONNECT_TIMEOUT_SECONDS and names DATABASE_URL', async () => {
    const sockets: Socket[] = [];
    const hole = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(hole.address() as { port: number }).port}`;
    try {
      const started = Date.now();
      await expect(open({ DATABASE_URL: `postgres://postgres@${address}/cdp`, CDP_DATABASE_CONNECT_TIMEOUT_SECONDS: '1' })).rejects.toThrow(
        `Postgres at postgres://${address}/cdp (DATABASE_URL) did not answer (no answer within the connection timeout). Start it, or set DATABASE_URL to one that runs; ${FIX}`,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => hole.close(resolve));
    }
  });

  it('Kafka: names KAFKA_BROKERS', async () => {
    // kafkajs logs each of its attempts to connect before it gives up.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(open({ KAFKA_BROKERS: NOTHING_LISTENS })).rejects.toThrow(
      `Kafka at ${NOTHING_LISTENS} (KAFKA_BROKERS) did not answer (ECONNREFUSED). Start it, or set KAFKA_BROKERS to one that runs; ${FIX}`,
    );
  }, 60_000);

  it('EventStoreDB: names EVENTSTOREDB_URL, and says how to do without it', async () => {
    await expect(open({ EVENTSTOREDB_URL: `esdb://${NOTHING_LISTENS}?tls=false` })).rejects.toThrow(
      new RegExp(`^EventStoreDB at esdb://${NOTHING_LISTENS} \\(EVENTSTOREDB_URL\\) did not answer a read \\(14 UNAVAILABLE: .*ECONNREFUSED.*\\)\\. Set EVENTSTOREDB_URL to one that runs, or unset it to keep the event store in Postgres\\.$`),
    );
    // The scheme of KurrentDB's newer clients, which this one does not read.
    await expect(open({ EVENTSTOREDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' })).rejects.toThrow(
      /^EventStoreDB at kurrentdb:\/\/127\.0\.0\.1:2113 \(EVENTSTOREDB_URL\) is not a connection string the client reads \(Unexpected "kurrentdb:\/\/" at position 0, expected esdb:\/\/ or esdb\+discover:\/\/\.\)/,
    );
  });

  it('ClickHouse: names CLICKHOUSE_URL', async () => {
    await expect(open({ CLICKHOUSE_URL: `http://${NOTHING_LISTENS}` })).rejects.toThrow(
      `ClickHouse at http://${NOTHING_LISTENS} (CLICKHOUSE_URL) did not answer (ECONNREFUSED). Start it, or set CLICKHOUSE_URL to one that runs; ${FIX}`,
    );
  });
});
