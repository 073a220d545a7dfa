import type { RecordedEvent } from '@cdp/event-log';
import { appliedPrefixes, checkpointAfter } from './applied-prefixes';

const at = (partition: string, offset: number) => ({ eventId: `e${offset}`, partition, offset: String(offset) }) as RecordedEvent;
const offsets = (events: readonly RecordedEvent[]) => events.map((e) => e.offset);

describe('appliedPrefixes', () => {
  it('leaves out of a batch delivered again the events committed ahead of it, in that partition only', () => {
    const prefixes = appliedPrefixes();
    prefixes.remember('p0', [at('p0', 10), at('p0', 11)]);
    expect(offsets(prefixes.notApplied('p0', [10, 11, 12, 13].map((o) => at('p0', o))))).toEqual(['12', '13']);
    expect(offsets(prefixes.notApplied('p1', [at('p1', 10)]))).toEqual(['10']);
  });

  it('leaves out every event of a delivery shorter than the committed prefix, and remembers it until forgotten', () => {
    const prefixes = appliedPrefixes();
    prefixes.remember('p0', [10, 11, 12].map((o) => at('p0', o)));
    expect(prefixes.notApplied('p0', [at('p0', 10), at('p0', 11)])).toEqual([]);
    prefixes.remember('p0', [at('p0', 13)]);
    expect(offsets(prefixes.notApplied('p0', [11, 12, 13, 14].map((o) => at('p0', o))))).toEqual(['14']);
    prefixes.forget('p0');
    expect(offsets(prefixes.notApplied('p0', [at('p0', 10)]))).toEqual(['10']);
  });

  it('gives the checkpoint after the last of some events', () => {
    expect(checkpointAfter([at('3', 7), at('3', 9)])).toEqual({ 3: '9' });
  });
});
