import { compatibilityProblems, formatProblem, type CompatibilityPolicy } from './schema-compatibility';

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };

const RATING = { type: 'enum', name: 'Rating', symbols: ['low', 'medium', 'high'] };

const V1_PAYLOAD: Field[] = [
  { name: 'surveyId', type: 'string' },
  { name: 'score', type: 'long' },
  { name: 'quantity', type: 'int' },
  { name: 'channel', type: 'string' },
  { name: 'rating', type: RATING },
  { name: 'tags', type: ['null', 'string', 'long'], default: null },
  { name: 'answers', type: { type: 'array', items: { type: 'record', name: 'Answer', fields: [{ name: 'question', type: 'string' }, { name: 'points', type: 'long' }] } } },
];

/** A touchpoint schema as the catalog composes it: envelope fields with the product's logical types, then the payload. */
function touchpoint(payload: Field[], payloadName = 'SurveyPayload'): object {
  return {
    type: 'record',
    name: 'Survey',
    namespace: 'cdp.touchpoints',
    fields: [
      { name: 'eventId', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'payload', type: { type: 'record', name: payloadName, fields: payload } },
    ],
  };
}

/** v1's payload with `name` replaced by `field` (removed when undefined), or `field` appended when v1 has no such name. */
function withField(name: string, field?: Field): Field[] {
  const fields = V1_PAYLOAD.flatMap((f) => (f.name === name ? (field ? [field] : []) : [f]));
  return field && !V1_PAYLOAD.some((f) => f.name === name) ? [...fields, field] : fields;
}

const V1 = touchpoint(V1_PAYLOAD);
const check = (next: object, policy: CompatibilityPolicy) => compatibilityProblems(V1, next, policy, { previous: 'v1', next: 'v2' });

describe('schema compatibility: classic breaking changes, explained where and why', () => {
  it('backward: a new field without a default cannot be read from the events written before', () => {
    const problems = check(touchpoint(withField('comment', { name: 'comment', type: 'string' })), 'backward');
    expect(problems).toEqual([{ path: 'payload.comment', message: expect.stringMatching(/^new field without a default: events written with v1 have no value for it \(give it a default/) }]);
  });

  it.each<CompatibilityPolicy>(['forward', 'full'])('%s: a removed field that had no default breaks the consumers still on the previous version', (policy) => {
    const problems = check(touchpoint(withField('channel')), policy);
    expect(problems.map(formatProblem)).toEqual([
      'payload.channel: removed, and it had no default: consumers still on v1 cannot read events written with v2 (keep it, or give it a default in v1 first)',
    ]);
  });

  it('backward: a type narrowed from long to int cannot read the values written before', () => {
    const problems = check(touchpoint(withField('score', { name: 'score', type: 'int' })), 'backward');
    expect(problems.map(formatProblem)).toEqual(['payload.score: was long, now int: a narrowed type cannot read the values written with v1 (widen instead, or add a new field)']);
  });

  it('backward: a removed enum symbol cannot be read from the events that hold it', () => {
    const problems = check(touchpoint(withField('rating', { name: 'rating', type: { ...RATING, symbols: ['low', 'medium'] } })), 'backward');
    expect(problems).toEqual([{ path: 'payload.rating', message: expect.stringContaining('enum symbol high removed: v2 cannot read the events written with v1 that hold it') }]);
  });

  it('backward: a type changed from string to int, down in an array of records', () => {
    const answer = { type: 'record', name: 'Answer', fields: [{ name: 'question', type: 'int' }, { name: 'points', type: 'long' }] };
    const problems = check(touchpoint(withField('answers', { name: 'answers', type: { type: 'array', items: answer } })), 'backward');
    expect(problems).toEqual([{ path: 'payload.answers[].question', message: expect.stringMatching(/^was string, now int: v2 cannot read the values written with v1/) }]);
  });

  it('backward: a field renamed without an alias is named with its old name', () => {
    const problems = check(touchpoint(withField('channel', { name: 'medium', type: 'string' })), 'backward');
    expect(problems).toEqual([{ path: 'payload.medium', message: expect.stringContaining('renamed from channel without an alias') }]);
    expect(problems[0].message).toContain('"aliases": ["channel"]');
  });

  it('backward: a removed union branch, and a union narrowed to one of its branches', () => {
    const fewer = check(touchpoint(withField('tags', { name: 'tags', type: ['null', 'string'], default: null })), 'backward');
    expect(fewer).toEqual([{ path: 'payload.tags', message: expect.stringMatching(/^was \[null, string, long\], now \[null, string\]: union branch long removed/) }]);
    const plain = check(touchpoint(withField('tags', { name: 'tags', type: 'string' })), 'backward');
    expect(plain).toEqual([{ path: 'payload.tags', message: expect.stringContaining('union branches null, long removed') }]);
  });

  it('forward: a new enum symbol breaks the consumers whose enum has no default', () => {
    const problems = check(touchpoint(withField('rating', { name: 'rating', type: { ...RATING, symbols: [...RATING.symbols, 'superb'] } })), 'forward');
    expect(problems).toEqual([{ path: 'payload.rating', message: expect.stringContaining('new enum symbol superb: consumers still on v1 cannot read it') }]);
  });

  it('forward: a widened type cannot be read by the consumers still on the narrower one', () => {
    const problems = check(touchpoint(withField('quantity', { name: 'quantity', type: 'long' })), 'forward');
    expect(problems.map(formatProblem)).toEqual(['payload.quantity: was int, now long: consumers still on v1 cannot read the wider values written with v2 (keep int, or add a new field)']);
  });

  it('full: a record renamed without an alias fails both ways; a type change says so once per direction', () => {
    const renamed = check(touchpoint(V1_PAYLOAD, 'PollPayload'), 'full');
    expect(renamed.map((p) => [p.path, p.message.slice(0, p.message.indexOf(':'))])).toEqual([
      ['payload', 'record renamed from SurveyPayload to PollPayload without an alias'],
      ['payload', 'record renamed from SurveyPayload to PollPayload'],
    ]);
    expect(check(touchpoint(withField('surveyId', { name: 'surveyId', type: 'int' })), 'full')).toHaveLength(2);
  });

  it('names the event time when a timestamp-millis would be read from an int', () => {
    const next = touchpoint(V1_PAYLOAD) as { fields: Field[] };
    const intTime = { ...next, fields: next.fields.map((f) => (f.name === 'occurredAt' ? { ...f, type: 'int' } : f)) };
    expect(compatibilityProblems(intTime, V1, 'backward')).toEqual([{ path: 'occurredAt', message: expect.stringMatching(/^was int, now long \(timestamp-millis\): /) }]);
  });
});

describe('schema compatibility: changes that keep every reader working', () => {
  it('a new optional field with a default, both ways', () => {
    expect(check(touchpoint(withField('comment', { name: 'comment', type: ['null', 'string'], default: null })), 'full')).toEqual([]);
  });

  it('backward: int widened to long, and string read as bytes', () => {
    expect(check(touchpoint(withField('quantity', { name: 'quantity', type: 'long' })), 'backward')).toEqual([]);
    expect(check(touchpoint(withField('channel', { name: 'channel', type: 'bytes' })), 'full')).toEqual([]);
  });

  it('backward: a new enum symbol; and forward too once the enum has a default', () => {
    expect(check(touchpoint(withField('rating', { name: 'rating', type: { ...RATING, symbols: [...RATING.symbols, 'superb'] } })), 'backward')).toEqual([]);
    const withDefault = touchpoint(withField('rating', { name: 'rating', type: { ...RATING, default: 'medium' } }));
    const added = touchpoint(withField('rating', { name: 'rating', type: { ...RATING, symbols: [...RATING.symbols, 'superb'], default: 'medium' } }));
    expect(compatibilityProblems(withDefault, added, 'full')).toEqual([]);
  });

  it('backward: a field renamed with an alias, and a field removed', () => {
    expect(check(touchpoint(withField('channel', { name: 'medium', type: 'string', aliases: ['channel'] })), 'backward')).toEqual([]);
    expect(check(touchpoint(withField('channel')), 'backward')).toEqual([]);
  });

  it('a timestamp-millis read from a plain long, and anything under the policy none', () => {
    const next = touchpoint(V1_PAYLOAD) as { fields: Field[] };
    const plainLong = { ...next, fields: next.fields.map((f) => (f.name === 'occurredAt' ? { ...f, type: 'long' } : f)) };
    expect(compatibilityProblems(V1, plainLong, 'full')).toEqual([]);
    expect(check(touchpoint([]), 'none')).toEqual([]);
  });
});
