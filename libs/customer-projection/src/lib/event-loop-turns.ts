/**
 * Work on a batch takes a while: giving the event loop a turn now and then lets the socket send
 * the statement in flight (Node writes a large one in parts) and the next one queued on the
 * transaction's connection, and keeps the process answering.
 */
export const YIELD_EVERY = 500;

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
