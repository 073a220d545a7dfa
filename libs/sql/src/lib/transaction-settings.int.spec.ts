import { testDatabaseUrl } from '../testing';
import { createPgliteSqlClient } from './pglite-sql-client';
import { createPostgresSqlClient } from './postgres-sql-client';
import type { SqlClient } from './sql-client.port';

const clients: [string, () => Promise<SqlClient>][] = [
  ['Postgres', async () => createPostgresSqlClient({ connectionString: testDatabaseUrl(), max: 1 })],
  ['PGlite', () => createPgliteSqlClient()],
];

describe.each(clients)('settings of one transaction (%s)', (_, open) => {
  let sql: SqlClient;
  const cost = async (db: Pick<SqlClient, 'query'>) => (await db.query<{ random_page_cost: string }>('SHOW random_page_cost')).rows[0].random_page_cost;

  beforeAll(async () => {
    sql = await open();
  });
  afterAll(() => sql.close());

  it('hold inside the transaction only, on the same connection afterwards too', async () => {
    const before = await cost(sql);
    const inside = await sql.transaction((tx) => cost(tx), { settings: { random_page_cost: '1.1' } });
    expect(inside).toBe('1.1');
    expect(before).not.toBe('1.1');
    expect(await cost(sql)).toBe(before);
  });

  it('refuse a name that is not a setting, before anything runs', async () => {
    const ran: string[] = [];
    await expect(sql.transaction(async () => void ran.push('work'), { settings: { 'random_page_cost = 1; DROP TABLE x; --': '1' } })).rejects.toThrow(/is not a Postgres setting's name/);
    expect(ran).toEqual([]);
  });
});
