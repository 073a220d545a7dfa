export { describeClickHouseClientContract } from './clickhouse-client.contract';
export { openThrowawayChdbClient, openThrowawayServerClient, testClickHouseUrl, THROWAWAY_CLICKHOUSE_ENGINES } from './throwaway-clickhouse';
