// What a command line needs of this library: the settings, the release and the errors it names,
// without the NestJS modules and store clients the main entry loads (about 2,000 modules).
export * from './lib/settings';
export * from './lib/release-version';
export * from './lib/server-unreachable';
export * from './lib/data-dir-lock';
