import type { RecordedEvent } from '@cdp/event-log';
import { appliedPrefixes, checkpointAfter } from './applied-prefixes';

const at = (partition: string, offset: number) => ({ eventId: `e${offset}`, partition, offset: String(offset) }) as RecordedEvent;
const offsets = (events: readonly RecordedEvent[]) => events.map((e) => `${e.partition}:${e.offset}`);

describe('appliedPrefixes', () => {
  it('leaves out of a batch delivered again the events committed ahead of it, by partition and offset', () => {
    const prefixes = appliedPrefixes();
    prefixes.remember([at('p0', 10), at('p0', 11)]);
    expect(offsets(prefixes.notApplied([...[10, 11, 12, 13].map((o) => at('p0', o)), at('p1', 10)]))).toEqual(['p0:12', 'p0:13', 'p1:10']);
  });

  it('leaves out every event of a delivery shorter than the committed prefix, and remembers it until its partition is forgotten', () => {
    const prefixes = appliedPrefixes();
    prefixes.remember([...[10, 11, 12].map((o) => at('p0', o)), at('p1', 4)]);
    expect(prefixes.notApplied([at('p0', 10), at('p0', 11)])).toEqual([]);
    prefixes.remember([at('p0', 13)]);
    expect(offsets(prefixes.notApplied([11, 12, 13, 14].map((o) => at('p0', o))))).toEqual(['p0:14']);
    prefixes.forget(['p0']);
    expect(offsets(prefixes.notApplied([at('p0', 10), at('p1', 4), at('p1', 5)]))).toEqual(['p0:10', 'p1:5']);
  });

  it('gives the checkpoint after some events: the last offset of each of their partitions', () => {
    expect(checkpointAfter([at('3', 7), at('3', 9)])).toEqual({ 3: '9' });
    expect(checkpointAfter([at('3', 7), at('3', 9), at('5', 2), at('5', 4)])).toEqual({ 3: '9', 5: '4' });
  });
});
