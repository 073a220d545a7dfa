import { parse } from 'lossless-json';
import type { FieldError } from '@cdp/events';
import { prepareTouchpoints, type IngestionContext } from './prepare-touchpoints';

/** A refused line of a samples file: its number (from 1), the field and what is wrong with it. */
export interface SampleLineError extends FieldError {
  readonly line: number;
}

export interface SampleLinesReport {
  /** How many lines hold something; blank lines are skipped. */
  readonly lines: number;
  /** How many of them the platform would accept. */
  readonly valid: number;
  readonly errors: readonly SampleLineError[];
}

/**
 * Checks sample touchpoints of one type, one JSON object a line (.ndjson), offline and exactly as
 * POST /v1/touchpoints checks a body: the same parser (numbers keep their exact text, duplicate
 * keys are refused), then the same validation and identifier normalisation, a line at a time.
 */
export function validateSampleLines(text: string, expectedType: string, context: IngestionContext): SampleLinesReport {
  const errors: SampleLineError[] = [];
  let lines = 0;
  let valid = 0;
  text.split(/\r?\n/).forEach((content, index) => {
    if (content.trim() === '') return;
    const found = lineErrors(content, expectedType, context);
    lines += 1;
    if (found.length === 0) valid += 1;
    errors.push(...found.map((error) => ({ line: index + 1, ...error })));
  });
  return { lines, valid, errors };
}

/** "line 3: payload.npsScore: must be from 0 to 10, not 11". */
export function sampleLineErrorText({ line, path, message }: SampleLineError): string {
  return `line ${line}: ${path}: ${message}`;
}

function lineErrors(content: string, expectedType: string, context: IngestionContext): FieldError[] {
  const parsed = parseLine(content);
  if ('error' in parsed) return [parsed.error];
  const { body } = parsed;
  // Checked against another type's schema, every other error of the line would mislead.
  if (isObject(body) && body.type !== expectedType) return [{ path: 'type', message: `must be "${expectedType}", the type this file holds` }];
  const prepared = prepareTouchpoints([body], context);
  return prepared.ok ? [] : prepared.errors.map(({ path, message }) => ({ path, message }));
}

function parseLine(content: string): { body: unknown } | { error: FieldError } {
  try {
    return { body: parse(content) };
  } catch (error) {
    const { message } = error as Error;
    const position = / at position (\d+)$/.exec(message);
    const column = position ? ` at column ${Number(position[1]) + 1}` : '';
    return { error: { path: '(root)', message: `is not valid JSON${column}: ${position ? message.slice(0, position.index) : message}` } };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
