import { OwnershipLostError } from './projection-ownership';
import { RetryBatchLaterError, WaitForProjectionError } from './retry-batch-later.error';
import { RESUMED_QUIET_MS, retryWarnings, WAIT_WARNING_EVERY_MS } from './retry-warnings';

const waiting = () => new WaitForProjectionError('customers', 'the customers projection has not placed touchpoint t-1 yet');

describe('retryWarnings', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('warns of a failure of a store, with its message, of another failure at once, and of the same again once a minute, with how often it came', () => {
    const warnings = retryWarnings('analytics', now);
    const failure = new RetryBatchLaterError('ClickHouse did not answer');
    expect(warnings.warningFor(failure)).toBe('analytics: ClickHouse did not answer; retrying');
    clock += 1_000;
    expect(warnings.warningFor(failure)).toBeUndefined();
    clock += 1_000;
    expect(warnings.warningFor(failure)).toBeUndefined();
    clock += WAIT_WARNING_EVERY_MS;
    expect(warnings.warningFor(failure)).toBe('analytics: ClickHouse did not answer; retrying (2 more times since it was last said)');
    expect(warnings.warningFor(new RetryBatchLaterError('disk full'))).toBe('analytics: disk full; retrying');
    warnings.batchDone();
    expect(warnings.warningFor(failure)).toBe('analytics: ClickHouse did not answer; retrying');
    // Over once the log reads again and it stays away, though no batch follows: its return is said at once.
    warnings.resumed();
    clock += RESUMED_QUIET_MS;
    expect(warnings.trouble()).toBeUndefined();
    expect(warnings.warningFor(failure)).toBe('analytics: ClickHouse did not answer; retrying');
    expect(failure.code).toBe('PROJECTIONS.STORE_UNAVAILABLE');
  });

  it('keeps quiet while a wait for another projection is shorter than a minute', () => {
    const warnings = retryWarnings('loyalty_earning', now);
    expect(warnings.warningFor(waiting())).toBeUndefined();
    clock += WAIT_WARNING_EVERY_MS - 1;
    expect(warnings.warningFor(waiting())).toBeUndefined();
    expect(waiting().code).toBe('PROJECTIONS.WAITING_FOR_PROJECTION');
  });

  it('warns once the wait has lasted a minute, then once a minute, naming what it waits for', () => {
    const warnings = retryWarnings('loyalty_earning', now);
    warnings.warningFor(waiting());
    clock += WAIT_WARNING_EVERY_MS;
    expect(warnings.warningFor(waiting())).toBe(
      'loyalty_earning has waited 60 s for the customers projection (the customers projection has not placed touchpoint t-1 yet); cdp projections status shows how far behind customers is',
    );
    clock += 5_000;
    expect(warnings.warningFor(waiting())).toBeUndefined();
    clock += WAIT_WARNING_EVERY_MS - 5_000;
    expect(warnings.warningFor(waiting())).toMatch(/^loyalty_earning has waited 120 s for the customers projection/);
  });

  it('starts counting again after a batch went through', () => {
    const warnings = retryWarnings('loyalty_earning', now);
    warnings.warningFor(waiting());
    clock += WAIT_WARNING_EVERY_MS - 1_000;
    warnings.batchDone();
    clock += 2_000;
    expect(warnings.warningFor(waiting())).toBeUndefined();
    clock += WAIT_WARNING_EVERY_MS - 1;
    expect(warnings.warningFor(waiting())).toBeUndefined();
    clock += 1;
    expect(warnings.warningFor(waiting())).toMatch(/has waited 60 s/);
  });

  it('warns of a failure at once even during a wait', () => {
    const warnings = retryWarnings('loyalty_earning', now);
    warnings.warningFor(waiting());
    expect(warnings.warningFor(new Error('connection terminated'))).toBe('loyalty_earning: connection terminated; retrying');
  });

  it('tells of a lost claim that the process stands by, not that it retries', () => {
    const warnings = retryWarnings('loyalty', now);
    expect(warnings.warningFor(new OwnershipLostError('loyalty', 'host:1:a'))).toBe(
      'loyalty: host:1:a no longer owns the projection loyalty: another process took it over after this one\'s claim ran out; standing by',
    );
  });

  it('tells what the projection waits for or retries, since the first attempt of the run, until a batch goes through', () => {
    const warnings = retryWarnings('loyalty_earning', now);
    expect(warnings.trouble()).toBeUndefined();
    warnings.warningFor(waiting());
    clock += 5_000;
    warnings.warningFor(waiting());
    expect(warnings.trouble()).toEqual({
      state: 'waiting',
      reason: 'waiting for the customers projection: the customers projection has not placed touchpoint t-1 yet',
      since: new Date(1_000_000).toISOString(),
    });
    warnings.warningFor(new RetryBatchLaterError('the event store is down'));
    expect(warnings.trouble()).toEqual({ state: 'retrying', reason: 'the event store is down', since: new Date(1_005_000).toISOString() });
    warnings.warningFor(new OwnershipLostError('loyalty_earning', 'another-process'));
    expect(warnings.trouble()).toBeUndefined();
    warnings.warningFor(waiting());
    warnings.batchDone();
    expect(warnings.trouble()).toBeUndefined();
  });

  it('ends a failure, not a wait, once the log has read again after rejoining and the failure stayed away, even with no batch to follow', () => {
    const warnings = retryWarnings('customers', now);
    warnings.warningFor(new Error('The coordinator is not aware of this member'));
    const since = new Date(clock).toISOString();
    clock += 1_000;
    warnings.resumed();
    // The batch still fails after the rejoin: the same trouble, since when it began.
    clock += 3_000;
    warnings.warningFor(new Error('the analytics store did not take the batch'));
    clock += RESUMED_QUIET_MS;
    expect(warnings.trouble()).toMatchObject({ state: 'retrying', since });
    warnings.resumed();
    clock += RESUMED_QUIET_MS - 1;
    expect(warnings.trouble()).toMatchObject({ state: 'retrying', since });
    clock += 1;
    expect(warnings.trouble()).toBeUndefined();

    warnings.warningFor(waiting());
    warnings.resumed();
    clock += RESUMED_QUIET_MS;
    expect(warnings.trouble()).toMatchObject({ state: 'waiting' });
  });
});
