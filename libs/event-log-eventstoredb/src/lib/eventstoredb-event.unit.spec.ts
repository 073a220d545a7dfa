import { isAfter, parseOffset } from './eventstoredb-event';

describe('EventStoreDB offsets', () => {
  it('read back as the commit and prepare positions, as 64-bit numbers', () => {
    expect(parseOffset('18446744073709551615/12')).toEqual({ commit: 18446744073709551615n, prepare: 12n });
  });

  it('are ordered by commit, then by prepare position', () => {
    expect(isAfter('10/5', '9/7')).toBe(true);
    expect(isAfter('10/5', '10/4')).toBe(true);
    expect(isAfter('10/5', '10/5')).toBe(false);
    expect(isAfter('9/99', '10/0')).toBe(false);
  });

  it("refuse another event store's checkpoint, saying what to do", () => {
    // A Postgres event log's checkpoint, "<transaction>:<position>".
    expect(() => parseOffset('1234:5678')).toThrow(
      'checkpoint "1234:5678" is not an EventStoreDB position (<commit>/<prepare>): it was written with another event store. Rebuild the projection that reads it (npx cdp projections rebuild <name>), or unset EVENTSTOREDB_URL to use the store it came from',
    );
    expect(() => parseOffset('12/')).toThrow(/is not an EventStoreDB position/);
  });
});
