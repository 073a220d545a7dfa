import { scheduledRfmRunDue } from './rfm-schedule';

const HOUR_MS = 3_600_000;
const NOW = new Date('2026-12-07T12:00:00.000Z');

describe('when a scheduled RFM run is due', () => {
  it('is due once an interval has passed since the last run finished, or when there was none', () => {
    expect(scheduledRfmRunDue(NOW, HOUR_MS, undefined, 0)).toBe(true);
    expect(scheduledRfmRunDue(NOW, HOUR_MS, '2026-12-07T11:00:00.000Z', 0)).toBe(true);
    expect(scheduledRfmRunDue(NOW, HOUR_MS, '2026-12-07T11:05:00.000Z', 0)).toBe(true);
    expect(scheduledRfmRunDue(NOW, HOUR_MS, '2026-12-07T11:07:00.000Z', 0)).toBe(false);
  });

  it('is not due while a run is under way in the process, however long ago the last one finished', () => {
    expect(scheduledRfmRunDue(NOW, HOUR_MS, undefined, 1)).toBe(false);
    expect(scheduledRfmRunDue(NOW, HOUR_MS, '2026-12-01T00:00:00.000Z', 2)).toBe(false);
  });
});
