import { EndpointNotServedError, PlatformRequestError } from '../platform-client/platform-client.errors';
import { profileText } from './demo.command';
import type { DemoSummary } from './send-demo-data';

const summary: DemoSummary = {
  platformUrl: 'http://127.0.0.1:3341',
  customers: 10,
  touchpoints: 60,
  accepted: 60,
  duplicates: 0,
  elapsedMs: 1_000,
  showcase: { name: 'Sara Ahmadi', email: 'sara@example.com', touchpoints: 12 },
};
const now = new Date('2026-12-06T12:00:00Z');

describe('the profile part of the demo summary, when the profile could not be read', () => {
  it('gives the curl to look again later, where the process serves profiles', () => {
    const text = profileText({ state: 'failed', error: new PlatformRequestError(500, {}, 'GET /v1/customers answered 500') }, summary, now);
    expect(text).toContain("Look again later: curl -s 'http://127.0.0.1:3341/v1/customers?identifier=email:sara@example.com'");
  });

  it('leaves the curl out where the process does not serve profiles (apps/ingest), whose error says where to look', () => {
    const error = new EndpointNotServedError(404, {}, 'the platform at http://127.0.0.1:3341 does not serve GET /v1/customers. In a split deployment, point CDP_URL …');
    const text = profileText({ state: 'failed', error }, summary, now);
    expect(text).toBe(`The demo data is in, but the profile could not be read: ${error.message}`);
  });
});
