import { daysUntil, formatCount, formatDate, formatInstant, formatMoneyByCurrency } from '../shared/format';

/**
 * A readable summary of a unified customer profile (GET /v1/customers/...), for people: who the
 * customer is on each channel, what they told us, what they bought. It reads the profile
 * defensively: a field the platform does not send is left out, never guessed.
 */
export function describeProfile(profile: Readonly<Record<string, unknown>>, now: Date): string[] {
  const traits = valuesOf(profile.traits, 'value');
  const name = [traits.firstName, traits.lastName].filter(Boolean).join(' ') || '(no name given)';
  const lines: string[] = [`${name}, customer ${text(profile.customerId) ?? '?'}`];
  const row = (label: string, value: string | undefined) => {
    if (value) lines.push(`  ${label.padEnd(16)}${value}`);
  };

  const identifiers = record(profile.identifiers);
  row(
    'identifiers',
    Object.entries(identifiers)
      .filter(([, values]) => Array.isArray(values) && values.length > 0)
      .map(([type, values]) => `${type} ${(values as unknown[]).join(', ')}`)
      .join('\n' + ' '.repeat(18)),
  );
  row('traits', list(Object.entries(traits).map(([key, value]) => `${key}: ${value}`)));
  row('preferences', list(Object.entries(valuesOf(profile.preferences, 'value')).map(([key, value]) => `${key}: ${value}`)));
  row(
    'important dates',
    Object.entries(valuesOf(profile.importantDates, 'date'))
      .map(([key, date]) => `${key} ${formatDate(date)}${/expir/i.test(key) ? expiry(date, now) : ''}`)
      .join('\n' + ' '.repeat(18)),
  );
  row('consent', list(Object.entries(valuesOf(profile.consent, 'status')).map(([channel, status]) => `${channel} ${status}`)));

  const orders = record(profile.orders);
  if (typeof orders.count === 'number') {
    const gross = record(orders.grossSpend) as Record<string, string>;
    const refunded = record(orders.refunded) as Record<string, string>;
    row('orders', `${formatCount(orders.count)}${text(orders.lastPurchaseAt) ? `, the last on ${formatInstant(orders.lastPurchaseAt as string)}` : ''}`);
    row('spend', formatMoneyByCurrency(gross));
    if (Object.keys(refunded).length > 0) row('refunded', formatMoneyByCurrency(refunded));
    if (orders.netSpend !== undefined) row('net spend', formatMoneyByCurrency(record(orders.netSpend) as Record<string, string>));
  }
  const activity = record(profile.activity);
  row('channels', list(countsOf(activity.byChannel)));
  row('by type', list(countsOf(activity.byType)));

  const complaints = record(profile.complaints);
  if (typeof complaints.open === 'number') {
    const openAt = Array.isArray(complaints.openAt) ? complaints.openAt.filter((at): at is string => typeof at === 'string') : [];
    row(
      'open complaints',
      complaints.open === 0 ? 'none' : `${complaints.open}${openAt.length > 0 ? `, since ${formatInstant(openAt[0])}` : ''}`,
    );
  }
  if (text(profile.firstSeenAt)) row('first seen', formatInstant(profile.firstSeenAt as string));
  if (text(profile.lastSeenAt)) row('last seen', formatInstant(profile.lastSeenAt as string));
  return lines;
}

function expiry(date: string, now: Date): string {
  const days = daysUntil(date, now);
  const count = (n: number) => (n === 1 ? '1 day' : `${formatCount(n)} days`);
  if (days < 0) return `: expired ${count(-days)} ago`;
  if (days === 0) return ': expires today, time for a reminder';
  return days <= 180 ? `: expires in ${count(days)}, time for a reminder` : `: expires in ${count(days)}`;
}

/** Provenance-carrying entries ({ value, occurredAt, ... }) or plain values, by key, sorted. */
function valuesOf(value: unknown, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(record(value)).sort(([a], [b]) => a.localeCompare(b))) {
    const inner = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[field] : entry;
    if (typeof inner === 'string' || typeof inner === 'number') out[key] = String(inner);
  }
  return out;
}

/** "store 30 · app 20", the largest first. */
function countsOf(value: unknown): string[] {
  return Object.entries(record(value))
    .map(([key, entry]) => [key, typeof entry === 'number' ? entry : (entry as { count?: unknown })?.count] as const)
    .filter((pair): pair is readonly [string, number] => typeof pair[1] === 'number')
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, count]) => `${key} ${formatCount(count)}`);
}

function list(items: readonly string[]): string | undefined {
  return items.length > 0 ? items.join(' · ') : undefined;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
