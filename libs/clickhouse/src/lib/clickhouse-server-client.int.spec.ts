import { describeClickHouseClientContract, openThrowawayServerClient } from '../testing';
import { sqlLiteral } from './clickhouse-literal';

describeClickHouseClientContract('ClickHouse server', openThrowawayServerClient);

describe('ClickHouse server client', () => {
  it('runs ClickHouse 18.16, in the database it created', async () => {
    const client = await openThrowawayServerClient();
    try {
      expect(await client.version()).toMatch(/^18\.16\./);
      expect(await client.query(`SELECT name FROM system.databases WHERE name = ${sqlLiteral(client.database)}`)).toEqual([{ name: client.database }]);
      expect(await client.query('SELECT currentDatabase() AS current')).toEqual([{ current: client.database }]);
    } finally {
      await client.close();
    }
  });

  it('waits for a read-only query as long as ClickHouse lets it run (a minute), past the HTTP client\'s default of 30 s', async () => {
    const client = await openThrowawayServerClient();
    try {
      // sleep() takes at most 3 s a call; nested, each waits for the one inside it: 11 take 33 s, whatever the cores.
      let slow = 'SELECT toUInt64(0) AS calls';
      for (let call = 0; call < 11; call++) slow = `SELECT calls + 1 + sleep(3) AS calls FROM (${slow})`;
      const started = Date.now();
      expect(await client.query(slow, { readonly: true })).toEqual([{ calls: '11' }]);
      expect(Date.now() - started).toBeGreaterThan(30_000);
    } finally {
      await client.close();
    }
  }, 90_000);
});
