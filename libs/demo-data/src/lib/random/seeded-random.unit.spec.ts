import { seededRandom } from './seeded-random';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: string) => Array.from({ length: 5 }, (_, i, r = seededRandom(seed, i)) => [r.next(), r.uuid()]);
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('keeps integers in bounds and draws version 4 UUIDs', () => {
    const rng = seededRandom('bounds');
    const ints = Array.from({ length: 2000 }, () => rng.int(3, 7));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5, 6, 7]));
    const uuids = Array.from({ length: 2000 }, () => rng.uuid());
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it('picks by weight', () => {
    const rng = seededRandom('weights');
    const picks = Array.from({ length: 10_000 }, () => rng.weighted([['a', 9], ['b', 1]] as const));
    const share = picks.filter((p) => p === 'a').length / picks.length;
    expect(share).toBeGreaterThan(0.87);
    expect(share).toBeLessThan(0.93);
  });
});
