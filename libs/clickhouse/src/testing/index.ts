export { describeClickHouseClientContract } from './clickhouse-client.contract';
export { openThrowawayChdbClient, openThrowawayServerClient, testClickHouseUrl } from './throwaway-clickhouse';
