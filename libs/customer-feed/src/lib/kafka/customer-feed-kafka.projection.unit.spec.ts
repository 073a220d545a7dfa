import fc from 'fast-check';
import { partsOfAtMost } from './customer-feed-kafka.projection';

describe('the parts a feed batch is sent in', () => {
  it('keeps every item, in order, each part under the limit unless one item alone is over it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 })), fc.integer({ min: 1, max: 500 }), (sizes, limit) => {
        const parts = partsOfAtMost(limit, sizes, (size) => size);
        expect(parts.flat()).toEqual(sizes);
        for (const part of parts) {
          const bytes = part.reduce((sum, size) => sum + size, 0);
          expect(part.length === 1 || bytes <= limit).toBe(true);
        }
        // Greedy: a part is cut only where its next item would go over.
        parts.slice(1).forEach((part, index) => expect(parts[index].reduce((sum, size) => sum + size, 0) + part[0]).toBeGreaterThan(limit));
      }),
    );
  });
});
