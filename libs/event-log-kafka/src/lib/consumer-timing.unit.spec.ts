import fc from 'fast-check';
import { consumerTimingFor } from './consumer-timing';

describe('consumerTimingFor', () => {
  it("keeps kafkajs's 3 s heartbeat for its default session of 30 s", () => {
    expect(consumerTimingFor(30_000)).toEqual({ sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  });

  it("beats at a third of a session shorter than 9 s, Kafka's least session (6 s) included", () => {
    expect(consumerTimingFor(6_000)).toEqual({ sessionTimeout: 6_000, heartbeatInterval: 2_000 });
  });

  it('sends at least three heartbeats within any session', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6_000, max: 1_800_000 }), (sessionTimeoutMs) => {
        const { sessionTimeout, heartbeatInterval } = consumerTimingFor(sessionTimeoutMs);
        expect(sessionTimeout).toBe(sessionTimeoutMs);
        expect(3 * heartbeatInterval!).toBeLessThanOrEqual(sessionTimeoutMs);
        expect(heartbeatInterval).toBeGreaterThan(0);
      }),
    );
  });
});
