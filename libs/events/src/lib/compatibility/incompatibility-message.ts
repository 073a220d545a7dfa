import type { Incompatibility } from './find-incompatibilities';

/**
 * Which way data flows: backward, the next version reads what the previous wrote; forward, the
 * previous version (a consumer not yet upgraded) reads what the next writes.
 */
export type Direction = 'backward' | 'forward';

/** How the two versions are named in messages, e.g. "v1" and "v2". */
export interface VersionLabels {
  readonly previous: string;
  readonly next: string;
}

/** A sentence a data engineer understands: what changed, why it breaks reading, what to do instead. */
export function incompatibilityMessage(found: Incompatibility, direction: Direction, { previous, next }: VersionLabels): string {
  const backward = direction === 'backward';
  const cannotRead = backward ? `${next} cannot read` : `consumers still on ${previous} cannot read`;
  const written = `written with ${backward ? previous : next}`;
  switch (found.kind) {
    case 'missing-field': {
      const field = lastSegment(found.path);
      if (backward && found.writerField) return `renamed from ${found.writerField} without an alias: events ${written} have no ${field} (add "aliases": ["${found.writerField}"] to it, or give it a default)`;
      if (backward) return `new field without a default: events ${written} have no value for it (give it a default, e.g. ["null","string"] with "default": null)`;
      if (found.writerField) return `renamed to ${found.writerField}, and it had no default: consumers still on ${previous} look for ${field} in events ${written} and find none (keep the old name, or give it a default in ${previous} first)`;
      return `removed, and it had no default: ${cannotRead} events ${written} (keep it, or give it a default in ${previous} first)`;
    }
    case 'ambiguous-aliases':
      return `its name and aliases match several fields of the events ${written} (${found.matches.join(', ')}): ${cannotRead} them (keep one of these names)`;
    case 'narrowed': {
      const [was, now] = backward ? [found.writer, found.reader] : [found.reader, found.writer];
      if (backward) return `was ${was}, now ${now}: a narrowed type cannot read the values ${written} (widen instead, or add a new field)`;
      return `was ${was}, now ${now}: ${cannotRead} the wider values ${written} (keep ${was}, or add a new field)`;
    }
    case 'type-changed': {
      const [was, now] = backward ? [found.writer, found.reader] : [found.reader, found.writer];
      return `was ${was}, now ${now}: ${cannotRead} the values ${written} (keep the type, or add a new field of the new type)`;
    }
    case 'union-branches': {
      const [was, now] = backward ? [found.writer, found.reader] : [found.reader, found.writer];
      const branches = `union branch${found.branches.length === 1 ? '' : 'es'} ${found.branches.join(', ')}`;
      if (backward) return `was ${was}, now ${now}: ${branches} removed, so ${cannotRead} those values ${written} (keep ${itOrThem(found.branches)})`;
      return `was ${was}, now ${now}: new ${branches}: ${cannotRead} those values ${written} (add a new field instead)`;
    }
    case 'enum-symbols': {
      const symbols = `enum symbol${plural(found.symbols)} ${found.symbols.join(', ')}`;
      const them = itOrThem(found.symbols);
      if (backward) return `${symbols} removed: ${cannotRead} the events ${written} that hold ${them} (keep ${them}, or give the enum a "default" symbol)`;
      return `new ${symbols}: ${cannotRead} ${them}, as the enum of ${previous} has no "default" (publish a version whose enum has a default first, or use a string)`;
    }
    case 'renamed-type': {
      const [was, now] = backward ? [found.writer, found.reader] : [found.reader, found.writer];
      if (backward) return `${found.what} renamed from ${was} to ${now} without an alias: ${cannotRead} the ${found.what} ${written} (add "aliases": ["${was}"] to it)`;
      return `${found.what} renamed from ${was} to ${now}: ${cannotRead} the ${found.what} ${written} (keep the name ${was})`;
    }
    case 'fixed-size': {
      const [was, now] = backward ? [found.writer, found.reader] : [found.reader, found.writer];
      return `fixed size was ${was}, now ${now}: ${cannotRead} the values ${written} (keep the size, or add a new field)`;
    }
    case 'unexplained':
      return `${cannotRead} what was ${written}: ${found.reason}`;
    default:
      return exhaustive(found);
  }
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function plural(items: readonly unknown[]): string {
  return items.length === 1 ? '' : 's';
}

function itOrThem(items: readonly unknown[]): string {
  return items.length === 1 ? 'it' : 'them';
}

function exhaustive(found: never): never {
  throw new Error(`unknown incompatibility ${JSON.stringify(found)}`);
}
