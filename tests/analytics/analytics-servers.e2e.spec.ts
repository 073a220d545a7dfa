import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { isolatedServers } from '../support/isolated-servers';
import { startPlatformUnderTest } from '../support/platform-under-test';
import { describeAnalyticsJourneys } from './analytics-journeys';

describeAnalyticsJourneys('servers: ClickHouse 18.16', async () => {
  const servers = await isolatedServers();
  const platform = await startPlatformUnderTest('servers', PLATFORM_FEATURES, servers.env);
  return { ...platform, close: () => platform.close().then(() => servers.drop()) };
});
