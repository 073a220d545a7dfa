import fc from 'fast-check';
import { asTopicMessages, produceRequests, type Outgoing } from './produce-requests';

/** A message of this many bytes in all (its value; no key, no headers). */
const outgoing = (topic: string, size: number, n: number): Outgoing & { n: number } => ({ topic, message: { value: Buffer.alloc(size) }, n });
const bytes = (request: readonly Outgoing[]) => request.reduce((sum, { message }) => sum + (message.value as Buffer).length, 0);

describe('the produce requests a send is cut into', () => {
  it('keeps every message in order, each request under the limit unless one message alone is over it, cut only where the next would go over', () => {
    const messages = fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), size: fc.integer({ min: 0, max: 300 }) }));
    fc.assert(
      fc.property(messages, fc.integer({ min: 1, max: 600 }), (given, limit) => {
        const items = given.map(({ topic, size }, n) => outgoing(topic, size, n));
        const requests = produceRequests(items, limit);

        expect(requests.flat()).toEqual(items);
        for (const request of requests) expect(request.length === 1 || bytes(request) <= limit).toBe(true);
        requests.slice(1).forEach((request, index) => expect(bytes(requests[index]) + bytes([request[0]])).toBeGreaterThan(limit));
      }),
    );
  });

  it("groups a request's messages by topic, each topic's in order", () => {
    const request = [outgoing('a', 1, 0), outgoing('b', 1, 1), outgoing('a', 1, 2)];
    expect(asTopicMessages(request)).toEqual([
      { topic: 'a', messages: [request[0].message, request[2].message] },
      { topic: 'b', messages: [request[1].message] },
    ]);
  });
});
