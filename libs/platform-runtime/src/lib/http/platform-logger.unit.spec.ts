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
});
