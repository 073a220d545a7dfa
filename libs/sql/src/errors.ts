// What a process tells of its connections' failures by, without the Postgres clients the main entry loads (the cdp CLI reads it at start).
export * from './lib/unreachable';
