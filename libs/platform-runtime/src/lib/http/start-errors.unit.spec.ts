import { withWhatRanOut } from './start-http-process';

describe('a failed start', () => {
  it('says what to do when the machine ran out of room or of files, and leaves other reasons as they are', () => {
    const failure = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
    expect(withWhatRanOut(failure('ENOSPC: no space left on device, write', 'ENOSPC'))).toBe(
      "ENOSPC: no space left on device, write: a disk the platform writes to is full (in embedded mode, the data folder's: CDP_DATA_DIR). Free some space there, then start again",
    );
    expect(withWhatRanOut(failure("EMFILE: too many open files, open 'index.js'", 'EMFILE'))).toMatch(/: the process may open no more files\. Raise its limit \(ulimit -n/);
    // chDB says it in its own words.
    expect(withWhatRanOut(failure('ClickHouse refused "CREATE TABLE …": Code: 76. errno: 24, strerror: Too many open files'))).toMatch(/: the process may open no more files/);
    expect(withWhatRanOut(failure('CDP_MODE=x: use "embedded" (the default) or "servers"'))).toBe('CDP_MODE=x: use "embedded" (the default) or "servers"');
  });
});
