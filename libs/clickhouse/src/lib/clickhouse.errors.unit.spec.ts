import { ClickHouseStatementError } from './clickhouse.errors';

describe('ClickHouseStatementError', () => {
  const refused = (statement: string) => new ClickHouseStatementError(statement, new Error('Timeout error.')).message;

  it('locates the statement by its first line, without the values in its literals', () => {
    expect(refused("SELECT event_id FROM purchases WHERE customer_key IN ('email:sara@example.com', 'phone:+989121234567') AND event_id IN ('e-1')")).toBe(
      'ClickHouse refused "SELECT event_id FROM purchases WHERE customer_key IN (…": Timeout error.',
    );
    expect(refused('\n  INSERT INTO `cdp`.`purchases` FORMAT JSONEachRow\n{"customer_key":"email:sara@example.com"}')).toBe(
      'ClickHouse refused "INSERT INTO `cdp`.`purchases` FORMAT JSONEachRow": Timeout error.',
    );
  });

  it('cuts a long first line short', () => {
    expect(refused(`SELECT ${'x, '.repeat(100)}y FROM t`)).toBe(`ClickHouse refused "SELECT ${'x, '.repeat(100)}`.slice(0, 'ClickHouse refused "'.length + 200) + '…": Timeout error.');
  });
});
