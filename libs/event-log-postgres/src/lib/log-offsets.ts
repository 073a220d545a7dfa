/** Where a Postgres log starts: before every "transaction_id:global_position". */
export const START = '0:0';

/** Orders two offsets of a Postgres log ("transaction_id:global_position"); undefined is the log's start. */
export function comparePostgresLogOffsets(a: string | undefined, b: string | undefined): number {
  const [transactionA, positionA] = (a ?? START).split(':').map(BigInt);
  const [transactionB, positionB] = (b ?? START).split(':').map(BigInt);
  if (transactionA !== transactionB) return transactionA < transactionB ? -1 : 1;
  return positionA === positionB ? 0 : positionA < positionB ? -1 : 1;
}
