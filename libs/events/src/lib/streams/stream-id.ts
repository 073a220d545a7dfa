/**
 * Stream ids are "<category>-<id>": the category names the kind of stream (and, on Kafka, its
 * topic); the id is the key within it. Build them with each aggregate's own helper.
 */
export function streamId(category: string, id: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(category)) throw new Error(`stream category "${category}" must be lower-case letters, digits and _`);
  return `${category}-${id}`;
}

export function parseStreamId(stream: string): { category: string; id: string } {
  const dash = stream.indexOf('-');
  if (dash < 1) throw new Error(`stream id "${stream}" has no category: expected "<category>-<id>"`);
  return { category: stream.slice(0, dash), id: stream.slice(dash + 1) };
}
