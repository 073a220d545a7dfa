import type { SqlClient } from '@cdp/sql';
import { describe, underSavepoint } from './apply-batch';
import { openLettersByStream, recordFailure, resolve } from './dead-letters';
import type { ProjectionHandler } from './projection.port';

/**
 * Applies dead letters again, stream by stream in log order (after a fix). A stream stops at its
 * first letter that still fails; the letters behind it stay held.
 */
export async function retryDeadLetters(
  sql: SqlClient,
  projection: string,
  handler: ProjectionHandler,
  ids?: readonly string[],
): Promise<{ retried: number; stillFailing: number }> {
  const outcome = await sql.transaction(async (tx) => {
    let retried = 0;
    let stillFailing = 0;
    for (const letters of (await openLettersByStream(tx, projection, ids)).values()) {
      for (const letter of letters) {
        try {
          await underSavepoint(tx, () => handler.apply(tx, [letter.event], { resumed: true }));
          await resolve(tx, letter.id);
          retried++;
        } catch (error) {
          await recordFailure(tx, letter.id, describe(error));
          stillFailing++;
          break;
        }
      }
    }
    return { retried, stillFailing };
  });
  await handler.afterCommit?.();
  return outcome;
}
