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
});
