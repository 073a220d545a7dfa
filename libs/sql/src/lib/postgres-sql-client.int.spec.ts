import { Client } from 'pg';
import { testDatabaseUrl } from '../testing';
import { createPostgresSqlClient } from './postgres-sql-client';

describe('the Postgres SqlClient', () => {
  it('survives the server ending an idle connection, and answers the next query on another', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const { rows: [first] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [first.pid]);
      // The pool hears of it while the connection is idle.
      await new Promise((resolve) => setTimeout(resolve, 200));

      const { rows: [second] } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      expect(second.pid).not.toBe(first.pid);
    } finally {
      await admin.end();
      await sql.close();
    }
  });

  it('survives the server ending a connection a transaction holds: the transaction fails, the process goes on, and the next one runs on another connection', async () => {
    const sql = createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 });
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    try {
      const ended = sql.transaction(async (tx) => {
        const { rows: [own] } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [own.pid]);
        // The server's notice arrives while the transaction holds the connection, between statements.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.query('SELECT 1');
        return own.pid;
      });
      await expect(ended).rejects.toThrow();
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
});
