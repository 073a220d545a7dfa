import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { CLUB_PROGRAM_ENV, describeLoyaltyJourneys } from './loyalty-journeys';

describeLoyaltyJourneys('servers: Kafka and Postgres', async (clock) => {
  const servers = await isolatedServers();
  const platform = await startPlatformUnderTest('servers', PLATFORM_FEATURES, { ...servers.env, ...CLUB_PROGRAM_ENV }, clock);
  return { ...platform, close: () => platform.close().then(() => servers.drop()) };
});
