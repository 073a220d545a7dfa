import { reaching, ServerUnreachableError, shownUrl, unreachableSocketError, withoutCredentials } from './server-unreachable';

const postgres = { name: 'Postgres', address: 'postgres://db:5432/cdp', variable: 'DATABASE_URL' };
const failing = (error: unknown) => () => Promise.reject(error);

describe('reaching a server at start', () => {
  it('says which server did not answer, finding the socket error on the error or on its causes', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
    await expect(reaching(postgres, failing(refused))).rejects.toThrow(
      'Postgres at postgres://db:5432/cdp (DATABASE_URL) did not answer (ECONNREFUSED). Start it, or set DATABASE_URL to one that runs;',
    );
    const wrapped = new Error('ClickHouse refused "SELECT 1"', { cause: new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND ch'), { code: 'ENOTFOUND' }) }) });
    await expect(reaching(postgres, failing(wrapped))).rejects.toBeInstanceOf(ServerUnreachableError);
    const everyAddress = new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:3000'), { code: 'ECONNREFUSED' })]) });
    expect(unreachableSocketError(everyAddress)).toBe('ECONNREFUSED');
  });

  it('says so of a Postgres that took the connection and did not answer within the pool\'s timeout', async () => {
    const timedOut = new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated unexpectedly') });
    await expect(reaching(postgres, failing(timedOut))).rejects.toThrow('Postgres at postgres://db:5432/cdp (DATABASE_URL) did not answer (no answer within the connection timeout). Start it,');
  });

  it('names the variable of a login the server refused, and says what to do', async () => {
    const refusal = Object.assign(new Error('password authentication failed for user "cdp"'), { code: '28P01' });
    await expect(reaching(postgres, failing(refusal))).rejects.toThrow(/\(DATABASE_URL\) refused the connection: password authentication failed for user "cdp"\. Give the right password in the variable\.$/);
    expect(unreachableSocketError(refusal)).toBeUndefined();
  });

  it('leaves any other failure as it was', async () => {
    const other = Object.assign(new Error('permission denied for schema public'), { code: '42501' });
    await expect(reaching(postgres, failing(other))).rejects.toBe(other);
    await expect(reaching(postgres, async () => 'opened')).resolves.toBe('opened');
  });

  it('shows an address without its user and password', () => {
    expect(shownUrl('postgres://cdp:secret@db.internal:6432/cdp?sslmode=require')).toBe('postgres://db.internal:6432/cdp');
    expect(shownUrl('http://default:pw@127.0.0.1:8123')).toBe('http://127.0.0.1:8123');
    expect(shownUrl('not a url')).toBe('(an address that is not a URL)');
    // Written wrong, a password may stand where a URL has its path.
    expect(shownUrl('u:TopS3cret@127.0.0.1')).toBe('u://127.0.0.1');
    expect(withoutCredentials('http://u:ChS3cret@127.0.0.1:notaport/db')).toBe('http://127.0.0.1:notaport/db');
    expect(withoutCredentials('u:TopS3cret@127.0.0.1')).toBe('u:127.0.0.1');
    expect(withoutCredentials('http://127.0.0.1:8123/cdp')).toBe('http://127.0.0.1:8123/cdp');
    expect(withoutCredentials('http://u:ab/cd@127.0.0.1:8123/cdp')).toBe('http://127.0.0.1:8123/cdp');
  });
});
