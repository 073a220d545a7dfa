/**
 * A seeded source of randomness: the same seed gives the same sequence on every machine and every
 * Node version, so demo data is reproducible. sfc32 (128 bits of state, passes PractRand) seeded
 * by cyrb128 over the seed's text; nothing here reads the clock or Math.random.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the values, each with its relative weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** A few of the items, without repeats, in their original order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** A log-normal variate with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number;
  /** Lowercase hexadecimal digits. */
  hex(digits: number): string;
  /** A version 4 UUID (RFC 9562 layout), drawn from this sequence. */
  uuid(): string;
}

export function seededRandom(...seed: readonly (string | number)[]): Random {
  const next32 = sfc32(cyrb128(seed.map(String).join('\u241f')));
  for (let i = 0; i < 12; i++) next32(); // let the state mix before use
  const next = () => next32() / 4294967296;
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    weighted: (entries) => {
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let at = next() * total;
      for (const [value, weight] of entries) {
        if ((at -= weight) < 0) return value;
      }
      return entries[entries.length - 1][0];
    },
    sample: (items, count) => {
      const chosen = new Set<number>();
      const wanted = Math.min(count, items.length);
      while (chosen.size < wanted) chosen.add(Math.floor(next() * items.length));
      return [...chosen].sort((a, b) => a - b).map((i) => items[i]);
    },
    logNormal: (median, sigma) => {
      // Box-Muller; 1 - next() keeps the logarithm finite.
      const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return median * Math.exp(sigma * normal);
    },
    hex: (digits) => {
      let out = '';
      while (out.length < digits) out += next32().toString(16).padStart(8, '0');
      return out.slice(0, digits);
    },
    uuid: () => {
      const h = random.hex(32);
      const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
  return random;
}

/** A 128-bit hash of a string, as four 32-bit words (bryc's cyrb128). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Small Fast Counting generator, 32-bit words. */
function sfc32([a, b, c, d]: [number, number, number, number]): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}
