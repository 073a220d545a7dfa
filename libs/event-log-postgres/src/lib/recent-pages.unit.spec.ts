import fc from 'fast-check';
import type { RecordedEvent } from '@cdp/event-log';
import { recentPages } from './recent-pages';

/** Events at "transaction:position" offsets, as the log reads them: several per transaction, in order. */
function events(from: number, count: number): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const position = from + i;
    return {
      eventId: `e${position}`,
      type: 'thing_happened',
      data: { position, nested: { amount: '300000' } },
      metadata: {},
      streamId: `s-${position % 3}`,
      streamPosition: Math.floor(position / 3),
      position: String(position),
      partition: 'all',
      offset: `${1000 + Math.floor(position / 4)}:${position}`,
      recordedAt: '2026-12-05T10:00:00.000Z',
    };
  });
}

describe('recent pages of a Postgres log', () => {
  it('gives a subscriber what follows its offset in a kept page, up to its limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.nat(70), fc.integer({ min: 1, max: 80 }), (size, at, limit) => {
        const page = events(1, size);
        const recent = recentPages(1_000);
        recent.keep('0:0', page);
        const offset = at < size ? page[at].offset : '0:0';
        const from = at < size ? at + 1 : 0;

        const taken = recent.take(offset, limit);
        if (from === size) expect(taken).toBeUndefined();
        else expect(taken).toEqual(page.slice(from, from + limit));
      }),
      { numRuns: 200 },
    );
  });

  it('gives a subscriber behind the others as many events as it asks for, across the small pages they read one after another', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 40 }), fc.nat(), fc.integer({ min: 1, max: 120 }), (sizes, at, limit) => {
        const log = events(1, sizes.reduce((sum, size) => sum + size, 0));
        const recent = recentPages(1_000);
        let read = 0;
        for (const size of sizes) {
          recent.keep(read === 0 ? '0:0' : log[read - 1].offset, log.slice(read, read + size));
          read += size;
        }
        const from = at % log.length;
        const offset = from === 0 ? '0:0' : log[from - 1].offset;

        expect(recent.take(offset, limit)).toEqual(log.slice(from, from + limit));
      }),
      { numRuns: 200 },
    );
  });

  it('follows pages that overlap, and forgets only what a dropped page alone held', () => {
    const log = events(1, 12);
    const recent = recentPages(8);
    recent.keep('0:0', log.slice(0, 4));
    recent.keep(log[1].offset, log.slice(2, 6));
    recent.keep(log[5].offset, log.slice(6, 9));

    expect(recent.take('0:0', 100)).toBeUndefined();
    expect(recent.take(log[0].offset, 100)).toBeUndefined();
    expect(recent.take(log[1].offset, 100)).toEqual(log.slice(2, 9));
    expect(recent.take(log[2].offset, 5)).toEqual(log.slice(3, 8));
  });

  it('reads nothing from memory for an offset no page holds, nor from an empty read', () => {
    const recent = recentPages(1_000);
    recent.keep('999:0', []);
    expect(recent.take('999:0', 10)).toBeUndefined();
    recent.keep('0:0', events(1, 10));
    expect(recent.take('2000:5000', 10)).toBeUndefined();
  });

  it('keeps the latest pages up to its bound, the oldest dropped first', () => {
    const recent = recentPages(25);
    const [first, second, third] = [events(1, 10), events(11, 10), events(21, 10)];
    recent.keep('0:0', first);
    recent.keep(first[9].offset, second);
    recent.keep(second[9].offset, third);

    expect(recent.take('0:0', 5)).toBeUndefined();
    expect(recent.take(first[9].offset, 5)).toEqual(second.slice(0, 5));
    expect(recent.take(third[3].offset, 100)).toEqual(third.slice(4));
  });

  it('freezes what it keeps: every subscriber gets the same events, so none may change them', () => {
    const recent = recentPages(1_000);
    recent.keep('0:0', events(1, 2));
    const [event] = recent.take('0:0', 1)!;

    expect(() => ((event.data as { nested: { amount: string } }).nested.amount = '1')).toThrow(TypeError);
    expect(() => ((event as { type: string }).type = 'other')).toThrow(TypeError);
  });

  it('reads once for subscribers that ask for the same offset at once, and keeps the read only to share it', async () => {
    const page = events(1, 10);
    let loads = 0;
    const load = async () => (loads++, await new Promise((resolve) => setTimeout(resolve, 10)), page);

    const recent = recentPages(1_000);
    const [first, second] = await Promise.all([recent.read('0:0', 10, load, false), recent.read('0:0', 4, load, false)]);
    expect([first, second, loads]).toEqual([page, page.slice(0, 4), 1]);
    await recent.read('0:0', 10, load, false);
    expect(loads).toBe(2);

    await recent.read('0:0', 10, load, true);
    expect(await recent.read(page[4].offset, 10, load, true)).toEqual(page.slice(5));
    expect(loads).toBe(3);
  });
});
