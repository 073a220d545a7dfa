/** The Postgres server integration tests use: DATABASE_URL, or the one infra/local runs. */
export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
