import fc from 'fast-check';
import { AUTOVACUUM_THRESHOLDS, maintenanceDue, type TableActivity } from './maintenance-due';

const quiet = (table: string, tuples = 10_000): TableActivity => ({ table, tuples, deadTuples: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0 });

describe('maintenanceDue (autovacuum rule)', () => {
  it('leaves quiet tables alone', () => {
    expect(maintenanceDue([quiet('a.t'), quiet('a.empty', 0)])).toEqual([]);
  });

  it('vacuums past 50 + 20% dead rows, and analyzes past 50 + 10% changed rows', () => {
    const tables = [
      { ...quiet('a.updated'), deadTuples: 2_051, modifiedSinceAnalyze: 2_051 },
      { ...quiet('a.at_the_line'), deadTuples: 2_050, modifiedSinceAnalyze: 1_050 },
      { ...quiet('a.changed_a_little'), modifiedSinceAnalyze: 1_051 },
    ];
    expect(maintenanceDue(tables)).toEqual([
      { table: 'a.updated', vacuum: true, analyze: true },
      { table: 'a.changed_a_little', vacuum: false, analyze: true },
    ]);
  });

  it('vacuums an insert-only table past 1,000 + 20% inserted rows, and counts a never-counted table as empty', () => {
    const tables = [
      { ...quiet('a.log'), insertedSinceVacuum: 3_001 },
      { ...quiet('a.log_below'), insertedSinceVacuum: 3_000 },
      { ...quiet('a.new', -1), insertedSinceVacuum: 1_001, modifiedSinceAnalyze: 1_001 },
    ];
    expect(maintenanceDue(tables)).toEqual([
      { table: 'a.log', vacuum: true, analyze: false },
      { table: 'a.new', vacuum: true, analyze: true },
    ]);
  });

  const activity = fc.record({
    table: fc.constant(''),
    tuples: fc.integer({ min: -1, max: 1e7 }),
    deadTuples: fc.nat(1e7),
    insertedSinceVacuum: fc.nat(1e7),
    modifiedSinceAnalyze: fc.nat(1e7),
  });
  const tablesOf = fc.array(activity, { maxLength: 20 }).map((tables) => tables.map((t, i) => ({ ...t, table: `s.t${i}` })));

  it('lists each due table once, in the order given, and never drops a step for more activity', () => {
    fc.assert(
      fc.property(tablesOf, fc.nat(1e6), (tables, more) => {
        const due = maintenanceDue(tables);
        const positions = due.map((step) => tables.findIndex((t) => t.table === step.table));
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
        const busier = new Map(
          maintenanceDue(tables.map((t) => ({ ...t, deadTuples: t.deadTuples + more, insertedSinceVacuum: t.insertedSinceVacuum + more, modifiedSinceAnalyze: t.modifiedSinceAnalyze + more }))).map((step) => [step.table, step]),
        );
        for (const step of due) {
          expect(busier.get(step.table)).toMatchObject({ ...(step.vacuum && { vacuum: true }), ...(step.analyze && { analyze: true }) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is the thresholds given: zero thresholds maintain any table with any activity', () => {
    const eager = { vacuum: { base: 0, scale: 0 }, vacuumAfterInserts: { base: 0, scale: 0 }, analyze: { base: 0, scale: 0 } };
    fc.assert(
      fc.property(activity, (table) => {
        const [step] = maintenanceDue([table], eager);
        expect(step?.vacuum ?? false).toBe(table.deadTuples > 0 || table.insertedSinceVacuum > 0);
        expect(step?.analyze ?? false).toBe(table.modifiedSinceAnalyze > 0);
      }),
    );
    expect(AUTOVACUUM_THRESHOLDS.vacuum).toEqual({ base: 50, scale: 0.2 });
  });
});
