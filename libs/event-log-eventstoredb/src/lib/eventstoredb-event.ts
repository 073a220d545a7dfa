import {
  jsonEvent,
  type EventData,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { NewEvent, RecordedEvent } from '@cdp/event-log';

/** EventStoreDB has one ordered log, $all. */
export const PARTITION = 'all';

/**
 * Names the append call that wrote an event, in its EventStoreDB metadata: EventStoreDB answers a
 * repeated write of the same ids as if it had written them, so this is how an append learns that
 * another one wrote them first. Readers never see it.
 */
const APPEND_ID = 'cdp-append-id';

export function toEventData(event: NewEvent, appendId: string): EventData {
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: event.data as JSONType,
    metadata: { ...event.metadata, [APPEND_ID]: appendId },
  });
}

export function appendIdOf(event: EsdbRecordedEvent): unknown {
  return (event.metadata as Record<string, unknown> | undefined)?.[APPEND_ID];
}

/** "<commit>/<prepare>": unique per event and ordered like $all. */
export function toOffset(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parseOffset(offset: string): Position {
  const position = /^(\d+)\/(\d+)$/.exec(offset);
  if (position === null) {
    throw new Error(
      `checkpoint "${offset}" is not an EventStoreDB position (<commit>/<prepare>): it was written with another event store. ` +
        'Rebuild the projection that reads it (npx cdp projections rebuild <name>), or unset EVENTSTOREDB_URL to use the store it came from',
    );
  }
  return { commit: BigInt(position[1]), prepare: BigInt(position[2]) };
}

export function isAfter(offset: string, than: string): boolean {
  const [a, b] = [parseOffset(offset), parseOffset(than)];
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}

/** Whether an event of $all is the platform's: not in a system stream, not a system event, not a link or a deleted event. */
export function isPlatformEvent(event: EsdbRecordedEvent | undefined): event is EsdbRecordedEvent {
  return event !== undefined && !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position) throw new Error('EventStoreDB gave an event without its position: the event log needs EventStoreDB 22.6 or later');
  const { [APPEND_ID]: _appendId, ...metadata } = (event.metadata ?? {}) as Record<string, unknown>;
  const offset = toOffset(event.position);
  return {
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, String(value)])),
    streamId: event.streamId,
    streamPosition: Number(event.revision),
    position: offset,
    partition: PARTITION,
    offset,
    recordedAt: event.created.toISOString(),
  };
}
