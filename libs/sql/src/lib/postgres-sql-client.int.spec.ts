import { createServer, type Server, type Socket } from 'node:net';
import { Client, type ClientBase } from 'pg';
import { testDatabaseUrl } from '../testing';
import { createPostgresSqlClient, serverConnectionOptions } from './postgres-sql-client';
import { isUnreachable } from './unreachable';

/**
 * Counts the pool's connections that have ended, as this process saw it: by then the client has
 * heard the server end it (an error, which the pool or the transaction that holds it handles).
 */
function connectionEnds() {
  const ends = { count: 0 };
  const onConnect = (client: ClientBase) => void client.once('end', () => ends.count++);
  /** Ends the server side of connection `pid`, waiting until it is gone, then until this process has seen it end. */
  const terminate = async (admin: Client, pid: number) => {
    const before = ends.count;
    const { rows: [{ terminated }] } = await admin.query<{ terminated: boolean }>('SELECT pg_terminate_backend($1, 5000) AS terminated', [pid]);
    expect(terminated).toBe(true);
    for (const deadline = Date.now() + 10_000; ends.count === before; ) {
      if (Date.now() > deadline) throw new Error(`connection ${pid} was ended, and this process did not hear of it in 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { onConnect, terminate };
}

/** A server that takes TCP connections and never answers, as a frozen Postgres or a proxy in front of nothing does. */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const close = () => new Promise<void>((resolve) => (sockets.forEach((socket) => socket.destroy()), server.close(() => resolve())));
  return { url: `postgres://postgres@127.0.0.1:${port}/cdp`, close };
}

describe('the Postgres SqlClient', () => {
  it('gives up a server that takes the connection and never answers, within its connection timeout, as unreachable', async () => {
    const hole = await blackHole();
    const sql = createPostgresSqlClient({ connectionString: hole.url, max: 1, ...serverConnectionOptions(300) });
    try {
      const started = Date.now();
      const query = await sql.query('SELECT 1').catch((error: unknown) => error);
      const transaction = await sql.transaction((tx) => tx.query('SELECT 1')).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect([query, transaction].map(isUnreachable)).toEqual([true, true]);
    } finally {
      await sql.close();
      await hole.close();
    }
  });

  it('waits for a connection of a full pool for as long as it takes, beyond the connection timeout', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1, ...serverConnectionOptions(300) });
    try {
      let release!: () => void;
      let holdingIt!: () => void;
      const held = new Promise<void>((resolve) => (holdingIt = resolve));
      const holding = sql.transaction(() => new Promise<void>((resolve) => ((release = resolve), holdingIt())));
      await held;
      const waiting = sql.query<{ one: number }>('SELECT 1 AS one');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      release();
      await holding;
      expect((await waiting).rows[0].one).toBe(1);
    } finally {
      await sql.close();
    }
  });

  it('survives the server ending an idle connection, and answers the next query on another', async () => {
    const ends = connectionEnds();
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1, onConnect: ends.onConnect });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const { rows: [first] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The pool hears of it while the connection is idle.
      await ends.terminate(admin, first.pid);

      const { rows: [second] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(second.pid).not.toBe(first.pid);
    } finally {
      await admin.end();
      await sql.close();
    }
  });

  it('survives the server ending a connection a transaction holds: the transaction fails, the process goes on, and the next one runs on another connection', async () => {
    const ends = connectionEnds();
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1, onConnect: ends.onConnect });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      let heard = false;
      const ended = sql.transaction(async (tx) => {
        const { rows: [own] } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // The server's notice arrives while the transaction holds the connection, between statements.
        await ends.terminate(admin, own.pid);
        heard = true;
        await tx.query('SELECT 1');
        return own.pid;
      });
      await expect(ended).rejects.toThrow();
      expect(heard).toBe(true);
      const { rows: [next] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(next.pid).toBeGreaterThan(0);
      expect(await sql.transaction(async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0].one)).toBe(1);
    } finally {
      await admin.end();
      await sql.close();
    }
  });

  it('runs its statements without JIT compilation, and keeps the options it is given', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1, options: '-c work_mem=5MB' });
    try {
      const settings = await Promise.all(['jit', 'work_mem'].map(async (name) => (await sql.query<Record<string, string>>(`SHOW ${name}`)).rows[0][name]));
      expect(settings).toEqual(['off', '5MB']);
    } finally {
      await sql.close();
    }
  });

  it('fails a query whose session the server ends with an error that says the database is unreachable, and a refused statement with one that does not', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const { rows: [{ pid }] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const sleeping = sql.query('SELECT pg_sleep(30)').then(() => undefined, (error: unknown) => error);
      for (let waited = 0; (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'`, [pid])).rowCount === 0; waited += 10) {
        if (waited > 10_000) throw new Error('the query did not start');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);

      expect(isUnreachable(await sleeping)).toBe(true);
      expect(isUnreachable(await sql.query('SELECT * FROM no_such_table').catch((error: unknown) => error))).toBe(false);
    } finally {
      await admin.end();
      await sql.close();
    }
  });
});
