import { AppendInProgressError } from './kafka-event-log.errors';

describe('an append in progress elsewhere', () => {
  it('names a few of the ids, how many there are, and when to retry', () => {
    expect(new AppendInProgressError(['e-1']).message).toBe(
      'event e-1 is being appended by another request; retry shortly (a writer that stopped lets go of them within 30 s): each is counted once, whatever the log ends up holding',
    );
    expect(new AppendInProgressError(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']).message).toMatch(/^5 events \(e-1, e-2, e-3 and 2 more\) are being appended by another request; retry shortly/);
  });
});
