/** The envelope's columns each type's analytics view (`<type>_touchpoints`) starts with, before the manifest's `columns`. */
export const TYPE_VIEW_ENVELOPE_COLUMNS: readonly string[] = ['event_id', 'occurred_at', 'occurred_at_ms', 'source', 'channel', 'customer_key', 'customer_id'];

/**
 * The envelope columns a manifest column of the same name may take the place of, with the value
 * as the source sent it: labels, which an analyst may want in the source's words. The others say
 * which touchpoint, which customer and when; every query joins or orders by them, so no payload
 * field may stand in for them.
 */
export const REPLACEABLE_ENVELOPE_COLUMNS: readonly string[] = ['source', 'channel'];
