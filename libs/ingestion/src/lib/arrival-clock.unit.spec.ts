import fc from 'fast-check';
import { arrivalClock } from './arrival-clock';

describe('the arrival clock', () => {
  it("gives the host clock's instants, and the last one again while the host clock is behind it", () => {
    const readings = [10_000, 11_000, 5_000, 9_000, 12_000].map((ms) => new Date(ms));
    const arrival = arrivalClock(() => readings.shift()!);
    expect([1, 2, 3, 4, 5].map(() => arrival().getTime())).toEqual([10_000, 11_000, 11_000, 11_000, 12_000]);
  });

  it('never goes back, whatever the host clock does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_000_000_000_000 }), { minLength: 1, maxLength: 50 }), (times) => {
        const host = [...times];
        const arrival = arrivalClock(() => new Date(host.shift()!));
        const given = times.map(() => arrival().getTime());
        return given.every((t, i) => i === 0 || t >= given[i - 1]) && given.every((t, i) => t >= times[i]);
      }),
    );
  });
});
