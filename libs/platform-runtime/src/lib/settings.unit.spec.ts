import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_IDENTITY_POLICY } from '@cdp/identity';
import { DEFAULT_LOYALTY_PROGRAM } from '@cdp/loyalty';
import { readSettings, SettingsError } from './settings';

const programFile = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'cdp-program-')), 'program.json');
  writeFileSync(file, content);
  return file;
};

describe('settings: the loyalty program', () => {
  it('reads the program this repository ships when none is named', () => {
    expect(readSettings({}).loyalty.program).toEqual(DEFAULT_LOYALTY_PROGRAM);
  });

  it('reads the file CDP_LOYALTY_PROGRAM names', () => {
    const file = programFile(JSON.stringify({ pointsPerUnit: '0.1', expiryDays: 90 }));
    expect(readSettings({ CDP_LOYALTY_PROGRAM: file }).loyalty).toMatchObject({ programFile: file, program: { pointsPerUnit: '0.1', expiryDays: 90 } });
  });

  it('refuses to start with a wrong program, naming the file and every problem by its path', () => {
    const file = programFile(JSON.stringify({ pointsPerUnit: -1, tiers: [{ name: 'member', from: '10', multiplier: '1' }], expiryDay: 30 }));
    const start = () => readSettings({ CDP_LOYALTY_PROGRAM: file });
    expect(start).toThrow(SettingsError);
    for (const problem of ['expiryDay: unknown key', 'pointsPerUnit: use a non-negative decimal string', 'tiers[0].from: the first tier starts at "0"']) {
      expect(start).toThrow(`CDP_LOYALTY_PROGRAM=${file}: `);
      expect(start).toThrow(problem);
    }
  });

  it('says so when the program file is missing or is not JSON', () => {
    expect(() => readSettings({ CDP_LOYALTY_PROGRAM: '/nonexistent/program.json' })).toThrow(/CDP_LOYALTY_PROGRAM=\/nonexistent\/program.json: ENOENT/);
    expect(() => readSettings({ CDP_LOYALTY_PROGRAM: programFile('{ "currency": ') })).toThrow(/CDP_LOYALTY_PROGRAM=.*JSON/);
  });

  it('refuses an expiry schedule that is not a whole number of seconds', () => {
    expect(() => readSettings({ CDP_LOYALTY_EXPIRY_EVERY_SECONDS: '1.5' })).toThrow(/CDP_LOYALTY_EXPIRY_EVERY_SECONDS=1.5/);
  });
});

describe('settings: the change feed', () => {
  it('sends heartbeats every 15 s, gives a stalled subscriber 30 s, keeps changes a week and serves 500 subscribers, unless told otherwise', () => {
    expect(readSettings({}).feed).toEqual({ heartbeatSeconds: 15, slowConsumerSeconds: 30, retentionDays: 7, maxSubscribers: 500 });
    expect(readSettings({ CDP_FEED_HEARTBEAT_SECONDS: '0.5', CDP_FEED_SLOW_CONSUMER_SECONDS: '2', CDP_FEED_RETENTION_DAYS: '0', CDP_FEED_MAX_SUBSCRIBERS: '2000' }).feed).toEqual({
      heartbeatSeconds: 0.5,
      slowConsumerSeconds: 2,
      retentionDays: 0,
      maxSubscribers: 2000,
    });
  });

  it('refuses a number of subscribers that is not a whole number above 0', () => {
    for (const max of ['0', '1.5', 'many']) expect(() => readSettings({ CDP_FEED_MAX_SUBSCRIBERS: max })).toThrow(`CDP_FEED_MAX_SUBSCRIBERS=${max}: use a whole number of subscribers, at least 1`);
  });

  it('refuses a retention that is not a number of days', () => {
    expect(() => readSettings({ CDP_FEED_RETENTION_DAYS: '-1' })).toThrow(/CDP_FEED_RETENTION_DAYS=-1: use a number of days, or 0 to keep every change/);
  });

  it('refuses a wait that is not a positive number of seconds, naming the variable', () => {
    expect(() => readSettings({ CDP_FEED_SLOW_CONSUMER_SECONDS: 'soon' })).toThrow(/CDP_FEED_SLOW_CONSUMER_SECONDS=soon: use a number of seconds above 0/);
  });
});

describe('settings: the Kafka intake', () => {
  it('takes touchpoints from the raw topic unless CDP_KAFKA_INTAKE is off', () => {
    expect(readSettings({}).kafkaIntake).toBe(true);
    expect(readSettings({ CDP_KAFKA_INTAKE: 'off' }).kafkaIntake).toBe(false);
  });

  it('refuses anything but on and off, naming the variable', () => {
    expect(() => readSettings({ CDP_KAFKA_INTAKE: 'no' })).toThrow(/CDP_KAFKA_INTAKE=no: use "on" \(the default\) or "off"/);
  });
});

describe('settings: the Postgres pool', () => {
  it('keeps 10 connections unless told otherwise', () => {
    expect(readSettings({}).databasePoolSize).toBe(10);
    expect(readSettings({ CDP_DATABASE_POOL_SIZE: '30' }).databasePoolSize).toBe(30);
  });

  it('refuses a pool that is not a whole number of at least 2, naming the variable', () => {
    for (const size of ['1', '2.5', 'many']) {
      expect(() => readSettings({ CDP_DATABASE_POOL_SIZE: size })).toThrow(`CDP_DATABASE_POOL_SIZE=${size}: use a whole number of connections, at least 2`);
    }
  });

  it('waits 30 s for a connection unless told otherwise, and refuses a wait outside 1 to 600 s', () => {
    expect(readSettings({}).databaseConnectTimeoutSeconds).toBe(30);
    expect(readSettings({ CDP_DATABASE_CONNECT_TIMEOUT_SECONDS: '2.5' }).databaseConnectTimeoutSeconds).toBe(2.5);
    for (const wait of ['0', '601', 'soon']) {
      expect(() => readSettings({ CDP_DATABASE_CONNECT_TIMEOUT_SECONDS: wait })).toThrow(`CDP_DATABASE_CONNECT_TIMEOUT_SECONDS=${wait}: use a number of seconds from 1 to 600`);
    }
  });
});

describe('settings: identity limits', () => {
  it('keeps the default limits unless told otherwise, and changes only the types named', () => {
    expect(readSettings({}).identityPolicy).toEqual(DEFAULT_IDENTITY_POLICY);
    expect(readSettings({ CDP_IDENTITY_LIMITS: ' email=10 , phone = 2' }).identityPolicy.maxValuesPerType).toEqual({ ...DEFAULT_IDENTITY_POLICY.maxValuesPerType, email: 10, phone: 2 });
  });

  it('refuses an unknown type, a limit that is not a whole number of at least 1, and a second customerId, naming the variable and each problem', () => {
    const not = (entry: string) => `"${entry}" is not type=limit, a type of customerId, loyaltyCard, email, phone, socialHandle, deviceId and a whole number`;
    expect(() => readSettings({ CDP_IDENTITY_LIMITS: 'fax=3,email=0,phone=2.5,deviceId,loyaltyCard=0x10,,email=4' })).toThrow(
      `CDP_IDENTITY_LIMITS=fax=3,email=0,phone=2.5,deviceId,loyaltyCard=0x10,,email=4: ${[not('fax=3'), not('phone=2.5'), not('deviceId'), not('loyaltyCard=0x10'), not(''), 'email is given twice'].join('; ')}; ` +
        'maxValuesPerType.email must be a whole number of at least 1, got 0; e.g. CDP_IDENTITY_LIMITS=email=10,phone=3',
    );
    expect(() => readSettings({ CDP_IDENTITY_LIMITS: 'customerId=2' })).toThrow('maxValuesPerType.customerId must be 1, got 2: two different customer ids never belong to one customer');
  });
});

describe('settings: table maintenance (embedded mode)', () => {
  it('looks every 60 s unless told otherwise, and 0 turns it off', () => {
    expect(readSettings({}).tableMaintenanceEverySeconds).toBe(60);
    expect(readSettings({ CDP_TABLE_MAINTENANCE_EVERY_SECONDS: '0' }).tableMaintenanceEverySeconds).toBe(0);
  });

  it('refuses a period that is not a number of seconds, naming the variable', () => {
    expect(() => readSettings({ CDP_TABLE_MAINTENANCE_EVERY_SECONDS: 'hourly' })).toThrow(/CDP_TABLE_MAINTENANCE_EVERY_SECONDS=hourly: use a number of seconds \(0 turns table maintenance off\)/);
  });
});

describe('settings: Kafka consumer groups (servers mode)', () => {
  it("gives a silent member up after kafkajs's 30 s unless told otherwise", () => {
    expect(readSettings({}).kafkaSessionTimeoutSeconds).toBe(30);
    expect(readSettings({ CDP_KAFKA_SESSION_TIMEOUT_SECONDS: '6' }).kafkaSessionTimeoutSeconds).toBe(6);
  });

  it("refuses a session outside the brokers' default bounds, naming the variable", () => {
    for (const seconds of ['5', '1801', '10.5', 'soon']) {
      expect(() => readSettings({ CDP_KAFKA_SESSION_TIMEOUT_SECONDS: seconds })).toThrow(
        `CDP_KAFKA_SESSION_TIMEOUT_SECONDS=${seconds}: use a whole number of seconds from 6 to 1800, the bounds Kafka's brokers allow by default`,
      );
    }
  });
});

describe('settings: HTTP keep-alive', () => {
  it('keeps an idle connection 65 s, longer than common load balancers keep theirs, unless told otherwise', () => {
    expect(readSettings({}).httpKeepAliveSeconds).toBe(65);
    expect(readSettings({ CDP_HTTP_KEEP_ALIVE_SECONDS: '350' }).httpKeepAliveSeconds).toBe(350);
  });

  it('refuses anything but a whole number of seconds from 1 to 3600, naming the variable', () => {
    for (const seconds of ['0', '3601', '2.5', 'long']) {
      expect(() => readSettings({ CDP_HTTP_KEEP_ALIVE_SECONDS: seconds })).toThrow(`CDP_HTTP_KEEP_ALIVE_SECONDS=${seconds}: use a whole number of seconds from 1 to 3600`);
    }
  });
});

describe('settings: where HTTP listens', () => {
  it('listens on this machine only in embedded mode, on every interface in servers mode, unless CDP_HOST says', () => {
    expect(readSettings({}).host).toBe('127.0.0.1');
    expect(readSettings({ CDP_MODE: 'servers' }).host).toBeUndefined();
    expect(readSettings({ CDP_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(readSettings({ CDP_MODE: 'servers', CDP_HOST: '::1' }).host).toBe('::1');
  });

  it('refuses a host that is not an address', () => {
    expect(() => readSettings({ CDP_HOST: 'everywhere' })).toThrow('CDP_HOST=everywhere: use an IP address of this machine');
  });
});

describe('settings: server addresses', () => {
  it('refuses a ClickHouse address that is not one without repeating its password', () => {
    const start = () => readSettings({ CDP_MODE: 'servers', CLICKHOUSE_URL: 'http://u:ChS3cret@127.0.0.1:notaport/db' });
    expect(start).toThrow('CLICKHOUSE_URL=http://127.0.0.1:notaport/db: use the server');
    expect(start).not.toThrow(/ChS3cret/);
  });
});

describe('settings: RFM history', () => {
  it('keeps each run 30 days unless told otherwise, 0 keeping every run, and refuses anything but whole days', () => {
    expect(readSettings({}).rfm.retentionDays).toBe(30);
    expect(readSettings({ CDP_RFM_RETENTION_DAYS: '0' }).rfm.retentionDays).toBe(0);
    for (const value of ['-1', '1.5', 'month']) {
      expect(() => readSettings({ CDP_RFM_RETENTION_DAYS: value })).toThrow(`CDP_RFM_RETENTION_DAYS=${value}: use a whole number of days (0 keeps every run)`);
    }
  });
});

describe('settings: retention of resolved dead letters', () => {
  it('keeps them 30 days unless told otherwise, and 0 keeps them', () => {
    expect(readSettings({}).deadLetterRetentionDays).toBe(30);
    expect(readSettings({ CDP_DEAD_LETTER_RETENTION_DAYS: '0' }).deadLetterRetentionDays).toBe(0);
    expect(readSettings({ CDP_DEAD_LETTER_RETENTION_DAYS: '0.5' }).deadLetterRetentionDays).toBe(0.5);
  });

  it('refuses a retention that is not a number of days, naming the variable', () => {
    for (const days of ['-1', '1000000000', 'forever']) {
      expect(() => readSettings({ CDP_DEAD_LETTER_RETENTION_DAYS: days })).toThrow(`CDP_DEAD_LETTER_RETENTION_DAYS=${days}: use a number of days up to 36500 (0 keeps resolved dead letters)`);
    }
    expect(readSettings({ CDP_DEAD_LETTER_RETENTION_DAYS: '' }).deadLetterRetentionDays).toBe(30);
  });
});

describe('settings: the host names HTTP answers for', () => {
  it('takes none by default, and a comma-separated list of names in lower case', () => {
    expect(readSettings({}).allowedHosts).toBeUndefined();
    expect(readSettings({ CDP_ALLOWED_HOSTS: ' CDP.example.com, *.cdp.internal ,' }).allowedHosts).toEqual(['cdp.example.com', '*.cdp.internal']);
    // Empty, as a template with an empty default gives it: unset, not "no name at all".
    expect(readSettings({ CDP_ALLOWED_HOSTS: '' }).allowedHosts).toBeUndefined();
    expect(readSettings({ CDP_ALLOWED_HOSTS: ' , ' }).allowedHosts).toBeUndefined();
  });

  it('refuses what is not a host name, naming it', () => {
    for (const name of ['https://cdp.example.com', 'cdp.example.com:3000', '*', 'a.*.example.com', 'under_score.example']) {
      expect(() => readSettings({ CDP_ALLOWED_HOSTS: name })).toThrow(`CDP_ALLOWED_HOSTS: "${name}" is not a host name`);
    }
  });
});
