import type { RecordedEvent, SubscriptionBatch } from '@cdp/event-log';
import { batchGroups, type BatchGroup } from './batch-groups';

const batch = (partition: string, offsets: number[], resumed = false): SubscriptionBatch => ({
  partition,
  events: offsets.map((offset) => ({ eventId: `${partition}:${offset}`, partition, offset: String(offset) }) as RecordedEvent),
  checkpoint: { [partition]: String(offsets[offsets.length - 1]) },
  resumed,
});
const ids = (group: BatchGroup) => group.events.map((e) => e.eventId);

describe('batchGroups', () => {
  it('applies the batches handed over in one turn as one group', async () => {
    const groups: BatchGroup[] = [];
    const submit = batchGroups(10, async (group) => void groups.push(group));

    await Promise.all([submit(batch('p0', [1, 2])), submit(batch('p1', [7], true)), submit(batch('p2', [3, 4]))]);

    expect(groups).toHaveLength(1);
    expect(ids(groups[0])).toEqual(['p0:1', 'p0:2', 'p1:7', 'p2:3', 'p2:4']);
    expect(groups[0].checkpoint).toEqual({ p0: '2', p1: '7', p2: '4' });
    expect(Object.keys(groups[0].checkpoint)).toEqual(['p0', 'p1', 'p2']);
    expect(groups[0].resumed).toBe(true);
  });

  it('keeps a group to the most events allowed, in the order the batches came, a larger batch alone', async () => {
    const groups: BatchGroup[] = [];
    const submit = batchGroups(4, async (group) => void groups.push(group));

    await Promise.all([submit(batch('p0', [1, 2])), submit(batch('p1', [1, 2, 3])), submit(batch('p2', [1])), submit(batch('p3', [1, 2, 3, 4, 5]))]);

    expect(groups.map(ids)).toEqual([['p0:1', 'p0:2'], ['p1:1', 'p1:2', 'p1:3', 'p2:1'], ['p3:1', 'p3:2', 'p3:3', 'p3:4', 'p3:5']]);
    expect(groups.map((g) => g.resumed)).toEqual([false, false, false]);
  });

  it('fails every batch of a group that fails, and goes on with the next group', async () => {
    const applied: string[][] = [];
    const submit = batchGroups(2, async (group) => {
      if ('p0' in group.checkpoint) throw new Error('the store is down');
      applied.push(ids(group));
    });

    const outcomes = await Promise.allSettled([submit(batch('p0', [1])), submit(batch('p1', [1])), submit(batch('p2', [1]))]);

    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(applied).toEqual([['p2:1']]);
  });

  it('applies one group at a time: batches that come while a group is applied form the next one', async () => {
    const groups: string[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let active = 0;
    let mostActive = 0;
    const submit = batchGroups(10, async (group) => {
      mostActive = Math.max(mostActive, ++active);
      if (groups.length === 0) await held;
      groups.push(ids(group));
      active--;
    });

    const first = submit(batch('p0', [1]));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [submit(batch('p1', [1])), submit(batch('p0', [2]))];
    release();
    await Promise.all([first, ...later]);

    expect(groups).toEqual([['p0:1'], ['p1:1', 'p0:2']]);
    expect(mostActive).toBe(1);
  });
});
