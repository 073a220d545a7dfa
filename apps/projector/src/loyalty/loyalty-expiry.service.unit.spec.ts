import { readSettings } from '@cdp/platform-runtime';
import type { LoyaltyAccounts, LoyaltyQueries } from '@cdp/loyalty-accounts';
import type { ProjectionsService } from '../projections/projections.service';
import { LoyaltyExpiryService } from './loyalty-expiry.service';

describe('the loyalty expiry schedule', () => {
  afterEach(() => jest.useRealTimers());

  it('expires in the process that runs the loyalty projection only, not in one standing by', () => {
    jest.useFakeTimers();
    let runsHere = false;
    const projections = { runsHere: (name: string) => name === 'loyalty' && runsHere } as unknown as ProjectionsService;
    const settings = readSettings({ CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '1' });
    const service = new LoyaltyExpiryService({} as LoyaltyAccounts, {} as LoyaltyQueries, settings, { now: () => new Date() }, projections);
    const expireNow = jest.spyOn(service, 'expireNow').mockResolvedValue(0);
    service.onApplicationBootstrap();
    jest.advanceTimersByTime(3_000);
    expect(expireNow).not.toHaveBeenCalled();
    runsHere = true;
    jest.advanceTimersByTime(2_000);
    expect(expireNow).toHaveBeenCalledTimes(2);
    void service.onApplicationShutdown();
  });
});
