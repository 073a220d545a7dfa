import { validateManifest } from './touchpoint-manifest';

const valid = { type: 'ticket_opened', owner: 'helpdesk', identifiers: { requesterEmail: 'email' }, channel: { field: 'channel' }, bounds: { priority: { min: 1, max: 5 } } };
const where = 'schemas/touchpoints/ticket_opened/manifest.json';

describe('a touchpoint manifest', () => {
  it('takes the keys it knows, with defaults for those left out', () => {
    expect(validateManifest(valid, where)).toEqual({ ...valid, compatibility: 'backward', money: [], columns: [] });
  });

  it('takes columns named like the envelope\'s channel and source, which the payload\'s own values replace in the type\'s view', () => {
    expect(validateManifest({ ...valid, columns: ['channel', 'source'] }, where).columns).toEqual(['channel', 'source']);
  });

  it.each(['event_id', 'occurred_at', 'occurred_at_ms', 'customer_key', 'customer_id'])('refuses the column %s, which would replace the envelope column that says which touchpoint, customer or instant a row is', (name) => {
    expect(() => validateManifest({ ...valid, columns: ['plate', name] }, where)).toThrow(
      new RegExp(`^schemas/touchpoints/ticket_opened/manifest\\.json: column "${name}" would take the place of the envelope column ${name} in the type's view, .*\\(only source and channel may be replaced\\): leave it out of "columns", or give the payload field another name in a new version$`),
    );
  });

  it.each([
    ['a misspelt key', { colums: ['x'] }, /manifest\.json: unknown key "colums"; a manifest holds type, owner, compatibility, money, identifiers, channel, columns, bounds/],
    ['two unknown keys', { bound: {}, traits: {} }, /unknown keys "bound", "traits"/],
    ['a channel that is a field and a value at once', { channel: { field: 'channel', value: 'web' } }, /"channel" must be \{ "field": "<payload field>" \}, \{ "value": "<channel>" \} or null/],
    ['bounds whose min is above their max', { bounds: { priority: { min: 5, max: 1 } } }, /bounds of "priority": "min" \(5\) is above "max" \(1\)/],
    ['bounds with no end', { bounds: { priority: {} } }, /bounds of "priority" need "min", "max" or both/],
    ['bounds given as text', { bounds: { priority: { min: '1' } } }, /bounds of "priority": "min" and "max" must be numbers, such as 0 or 10/],
    ['bounds with another key', { bounds: { priority: { minimum: 1 } } }, /bounds of "priority" take "min" and "max", not "minimum"/],
    ['a column listed twice', { columns: ['color', 'plate', 'color'] }, /^schemas\/touchpoints\/ticket_opened\/manifest\.json: "columns" names "color" more than once: list each column once$/],
    [
      'an amount listed twice',
      { money: [{ amount: 'total', currency: 'currency' }, { amount: 'total', currency: 'fxCurrency' }] },
      /^schemas\/touchpoints\/ticket_opened\/manifest\.json: "money" names the amount "total" more than once: an amount has one currency, so list it once$/,
    ],
    ['bounds that are not a range', { bounds: { priority: 3 } }, /bounds of "priority" must be \{ "min": <number>, "max": <number> \}/],
  ])('refuses %s, naming the file and the fault', (_, change, message) => {
    expect(() => validateManifest({ ...valid, ...change }, where)).toThrow(message);
  });
});
