import fc from 'fast-check';
import type { ClickHouseClient } from '../lib/clickhouse-client.port';
import { ClickHouseStatementError } from '../lib/clickhouse.errors';
import { MAX_READ_ONLY_ROWS } from '../lib/clickhouse-settings';
import { sqlIdentifier, sqlLiteral } from '../lib/clickhouse-literal';
import { migrateAnalytics, type AnalyticsMigration, type EngineVersion } from '../lib/migrate-analytics';

/**
 * The behaviour every ClickHouseClient adapter must show, with SQL that runs on 18.16. Call it from
 * an adapter's *.int.spec.ts with a factory that opens a client of a fresh, empty database.
 */
export function describeClickHouseClientContract(adapter: string, open: () => Promise<ClickHouseClient>): void {
  describe(`${adapter} ClickHouse client contract`, () => {
    let client: ClickHouseClient;
    const selectValue = async (literal: string) => (await client.query<{ v: unknown }>(`SELECT ${literal} AS v`))[0].v;

    beforeAll(async () => {
      client = await open();
    });
    afterAll(() => client.close());

    it('reports the engine version', async () => {
      expect(await client.version()).toMatch(/^\d+\.\d+\.\d+/);
    });

    describe('rows in and out', () => {
      it('keeps decimals exact, and gives them back as strings with their full scale', async () => {
        await client.command('CREATE TABLE amounts (id UInt32, amount Decimal(18, 2)) ENGINE = MergeTree ORDER BY id');
        const amounts = ['300000.00', '0.10', '-12.34', '9999999999999999.99'];
        await client.insert('amounts', [...amounts.map((amount, id) => ({ id, amount })), { id: 9, amount: 7.5 }]);

        const rows = await client.query<{ amount: string }>('SELECT amount FROM amounts ORDER BY id');
        expect(rows.map((row) => row.amount)).toEqual([...amounts, '7.50']);
        expect(await client.query('SELECT sum(amount) AS total FROM amounts WHERE id < 3')).toEqual([{ total: '299987.76' }]);
      });

      it('stores DateTime(UTC) from text or a Date, and gives it back as UTC text', async () => {
        await client.command("CREATE TABLE visits (at DateTime('UTC')) ENGINE = MergeTree ORDER BY at");
        await client.insert('visits', [{ at: '2026-11-20 10:15:00' }, { at: new Date('2026-11-20T10:16:00.900Z') }, { at: '2026-11-19 23:59:59' }]);

        const since = sqlLiteral(new Date('2026-11-20T10:15:00Z'));
        const rows = await client.query(`SELECT at, toUnixTimestamp(at) AS unix FROM visits WHERE at >= ${since} ORDER BY at`);
        expect(rows).toEqual([
          { at: '2026-11-20 10:15:00', unix: Date.UTC(2026, 10, 20, 10, 15) / 1000 },
          { at: '2026-11-20 10:16:00', unix: Date.UTC(2026, 10, 20, 10, 16) / 1000 },
        ]);
        expect(await client.query("SELECT toDateTime('2026-11-20 10:15:00', 'UTC') AS at")).toEqual([{ at: '2026-11-20 10:15:00' }]);
      });

      it('gives 64-bit integers as strings, other numbers as numbers, Nullable as null and arrays as arrays', async () => {
        await client.command(
          'CREATE TABLE things (id UInt64, delta Int64, count UInt32, ratio Float64, note Nullable(String), tags Array(String)) ENGINE = MergeTree ORDER BY id',
        );
        const tags = ["it's", 'back\\slash', 'line\nbreak', 'ünï😀'];
        await client.insert('things', [
          { id: '18446744073709551615', delta: -5n, count: 7, ratio: 0.25, note: null, tags },
          { id: 1, delta: '-9223372036854775808', count: 4294967295, ratio: -1.5, note: 'hello', tags: [] },
        ]);

        expect(await client.query('SELECT * FROM things ORDER BY id')).toEqual([
          { id: '1', delta: '-9223372036854775808', count: 4294967295, ratio: -1.5, note: 'hello', tags: [] },
          { id: '18446744073709551615', delta: '-5', count: 7, ratio: 0.25, note: null, tags },
        ]);
      });

      it('inserts all the rows of one call in one INSERT', async () => {
        await client.command('CREATE TABLE batch (n UInt32) ENGINE = MergeTree ORDER BY n');
        await client.insert('batch', Array.from({ length: 5000 }, (_, n) => ({ n })));
        await client.insert('batch', []);

        const parts = await client.query(
          `SELECT count() AS parts, sum(rows) AS rows FROM system.parts WHERE database = ${sqlLiteral(client.database)} AND table = 'batch' AND active`,
        );
        expect(parts).toEqual([{ parts: '1', rows: '5000' }]);
      });

      it("fills a missing key with the type's default, not with the column's DEFAULT expression", async () => {
        await client.command("CREATE TABLE defaults (id UInt32, source String DEFAULT 'web', count UInt32 DEFAULT 5) ENGINE = MergeTree ORDER BY id");
        await client.insert('defaults', [{ id: 1 }]);

        expect(await client.query('SELECT * FROM defaults')).toEqual([{ id: 1, source: '', count: 0 }]);
      });

      it('refuses a column the table does not have, and null in a column that is not Nullable', async () => {
        await client.command('CREATE TABLE strict (id UInt32, name String) ENGINE = MergeTree ORDER BY id');

        await expect(client.insert('strict', [{ id: 1, nmae: 'typo' }])).rejects.toThrow(ClickHouseStatementError);
        await expect(client.insert('strict', [{ id: 1, name: null }])).rejects.toThrow(ClickHouseStatementError);
        expect(await client.query('SELECT count() AS n FROM strict')).toEqual([{ n: '0' }]);
      });
    });

    describe('errors', () => {
      it('rejects a failing statement with its first line in the message', async () => {
        const refusal = client.command('\n  CREATE TABLE broken (\n    x NoSuchType\n  ) ENGINE = Memory');
        await expect(refusal).rejects.toThrow(ClickHouseStatementError);
        await expect(refusal).rejects.toThrow('ClickHouse refused "CREATE TABLE broken (":');
        await expect(client.query('SELECT no_such_column\nFROM system.one')).rejects.toThrow('"SELECT no_such_column"');
        await expect(client.insert('no_such_table', [{ a: 1 }])).rejects.toThrow(
          `"INSERT INTO ${sqlIdentifier(client.database)}.\`no_such_table\` FORMAT JSONEachRow"`,
        );
      });
    });

    describe('read-only queries', () => {
      it('stop sending rows soon after the most they may give back, however many the query makes', async () => {
        const rows = await client.query<{ number: string }>('SELECT number FROM system.numbers', { readonly: true });
        expect(rows.length).toBeGreaterThan(MAX_READ_ONLY_ROWS);
        expect(rows.length).toBeLessThanOrEqual(MAX_READ_ONLY_ROWS + 65_536);
      });

      it('answers them, and refuses writes, DDL and setting changes in them', async () => {
        await client.command('CREATE TABLE kept (n UInt32) ENGINE = MergeTree ORDER BY n');

        expect(await client.query('SELECT 1 AS one', { readonly: true })).toEqual([{ one: 1 }]);
        await expect(client.query('DROP TABLE kept', { readonly: true })).rejects.toThrow(/readonly mode/);
        await expect(client.query('CREATE TABLE added (n UInt32) ENGINE = Memory', { readonly: true })).rejects.toThrow(/readonly mode/);
        // On 18.16 these two fail before readonly is checked: the FORMAT appended to an INSERT, and a second statement, are syntax errors.
        await expect(client.query('INSERT INTO kept SELECT 1', { readonly: true })).rejects.toThrow(ClickHouseStatementError);
        await expect(client.query('SELECT 1 AS one; DROP TABLE kept', { readonly: true })).rejects.toThrow(ClickHouseStatementError);
        await expect(client.query('SELECT 1 AS one SETTINGS readonly = 0', { readonly: true })).rejects.toThrow(/readonly mode/);
        expect(await client.query('SELECT count() AS n FROM kept')).toEqual([{ n: '0' }]);
        expect(await client.query("SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN ('kept', 'added')")).toEqual([{ name: 'kept' }]);
      });
    });

    describe('migrations', () => {
      const seen: EngineVersion[] = [];
      const migration = (id: string, statements: (engine: EngineVersion) => string[]): AnalyticsMigration => ({
        id,
        statements: (engine) => {
          seen.push(engine);
          return statements(engine);
        },
      });
      const first = [
        migration('001_sessions', () => ['CREATE TABLE IF NOT EXISTS sessions (id String) ENGINE = MergeTree ORDER BY id']),
        migration('002_session_amount', ({ major }) => [
          major >= 20 ? 'ALTER TABLE sessions ADD COLUMN IF NOT EXISTS amount Decimal(18, 2)' : 'ALTER TABLE sessions ADD COLUMN amount Decimal(18, 2)',
        ]),
      ];

      it('apply once, in order, and later only the new ones', async () => {
        expect(await migrateAnalytics(client, first)).toEqual(['001_sessions', '002_session_amount']);
        expect(await migrateAnalytics(client, first)).toEqual([]);
        const third = migration('003_session_source', () => ["ALTER TABLE sessions ADD COLUMN source String DEFAULT 'web'"]);
        expect(await migrateAnalytics(client, [...first, third])).toEqual(['003_session_source']);

        await client.insert('sessions', [{ id: 's1', amount: '12.30', source: 'app' }]);
        expect(await client.query('SELECT * FROM sessions')).toEqual([{ id: 's1', amount: '12.30', source: 'app' }]);
        expect(await client.query('SELECT id FROM schema_migrations ORDER BY id')).toEqual([
          { id: '001_sessions' },
          { id: '002_session_amount' },
          { id: '003_session_source' },
        ]);
        const version = await client.version();
        expect(seen).toContainEqual({ version, major: Number.parseInt(version, 10) });
      });

      it('refuse two migrations with the same id', async () => {
        await expect(migrateAnalytics(client, [first[0], first[0]])).rejects.toThrow('001_sessions');
      });
    });

    describe('sqlLiteral, checked by the engine', () => {
      const specialCharacters = fc.constantFrom("'", '\\', '"', '\n', '\r', '\t', '\0', '\b', '\f', '\x7f', '\x1b', '`', '?', '{x:UInt8}', 'é', '😀', ' ');
      const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: specialCharacters }), fc.string({ unit: 'binary-ascii' }));

      it('gives back any string exactly', async () => {
        await fc.assert(
          fc.asyncProperty(anyString, async (text) => {
            expect(await selectValue(sqlLiteral(text))).toBe(text);
          }),
          { numRuns: 300 },
        );
      });

      it('gives back arrays of strings, and numbers, bigints and booleans by value', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(anyString, { maxLength: 5 }), async (texts) => {
            expect(await selectValue(sqlLiteral(texts))).toEqual(texts);
          }),
          { numRuns: 50 },
        );
        await fc.assert(
          fc.asyncProperty(fc.double({ noNaN: true, noDefaultInfinity: true }).filter(notSubnormal), async (value) => {
            expect(Number(await selectValue(sqlLiteral(value)))).toBe(value === 0 ? 0 : value);
          }),
          { numRuns: 100 },
        );
        await fc.assert(
          fc.asyncProperty(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), async (value) => {
            expect(String(await selectValue(sqlLiteral(value)))).toBe(String(value));
          }),
          { numRuns: 100 },
        );
        expect(await selectValue(sqlLiteral([true, false]))).toEqual([1, 0]);
        expect(await selectValue(sqlLiteral(null))).toBeNull();
      });

      it('writes a Date as the same instant, to the second', async () => {
        await fc.assert(
          fc.asyncProperty(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2105-12-31T23:59:59Z'), noInvalidDate: true }), async (date) => {
            expect(Number(await selectValue(`toUnixTimestamp(${sqlLiteral(date)})`))).toBe(Math.floor(date.getTime() / 1000));
          }),
          { numRuns: 100 },
        );
      });
    });
  });
}

/** sqlLiteral refuses subnormal numbers, which 18.16 cannot parse. */
const notSubnormal = (value: number) => value === 0 || Math.abs(value) >= 2 ** -1022;
