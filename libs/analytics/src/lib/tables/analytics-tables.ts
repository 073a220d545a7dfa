import { migrateAnalytics, type ClickHouseClient } from '@cdp/clickhouse';
import { ANALYTICS_MIGRATIONS } from './analytics-migrations';

/** Creates or upgrades the analytics tables and views in the client's database. */
export async function migrateAnalyticsTables(client: ClickHouseClient): Promise<void> {
  await migrateAnalytics(client, ANALYTICS_MIGRATIONS);
}
