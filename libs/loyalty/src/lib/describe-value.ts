/** A value as a problem message shows it: as JSON (so "1.25" and 1.25 differ), cut to 60 characters. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? 'nothing' : typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
