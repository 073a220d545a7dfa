import { PlatformLogger } from './platform-logger';

describe("the platform's log", () => {
  it("keeps its services' LOG lines, stamped in UTC, and drops Nest's start-up lines", () => {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      const logger = new PlatformLogger();
      logger.log('scheduled RFM run r-1: 12 customers', 'rfm');
      logger.log('Mapped {/v1/customers, GET} route', 'RouterExplorer');
      logger.log('ProjectorModule dependencies initialized', 'InstanceLoader');
      logger.warn('the feed retries', 'customer-feed');
    } finally {
      write.mockRestore();
    }
    // eslint-disable-next-line no-control-regex -- the colours' escape codes
    const plain = written.map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
    expect(plain[0]).toMatch(/ \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /);
    expect(plain.map((line) => /(LOG|WARN) \[([\w-]+)\] (.*?)\s*$/.exec(line)?.slice(1, 4))).toEqual([
      ['LOG', 'rfm', 'scheduled RFM run r-1: 12 customers'],
      ['WARN', 'customer-feed', 'the feed retries'],
    ]);
  });

  it("writes every line to stderr, without colours when stderr is no terminal, for a CLI whose stdout is its result", () => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    const wasTty = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      const logger = new PlatformLogger({ toStderr: true });
      logger.log('projections started', 'projections');
      logger.warn('autovacuum is off', 'postgres');
    } finally {
      process.stderr.isTTY = wasTty;
      stdout.mockRestore();
      stderr.mockRestore();
    }
    expect(out).toEqual([]);
    expect(err.map((line) => /(LOG|WARN) \[([\w-]+)\] (.*?)\s*$/.exec(line)?.slice(1, 4))).toEqual([
      ['LOG', 'projections', 'projections started'],
      ['WARN', 'postgres', 'autovacuum is off'],
    ]);
    expect(err.join('')).not.toContain('\x1b[');
  });
});
