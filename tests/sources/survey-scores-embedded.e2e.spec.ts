import { randomUUID } from 'node:crypto';
import { PLATFORM_FEATURES } from '@cdp/platform-app';
import { eventually } from '../support/eventually';
import { startPlatformUnderTest, type PlatformUnderTest } from '../support/platform-under-test';

const answer = (occurredAt: string, score: { npsScore: number } | { csatScore: number }) => ({
  eventId: randomUUID(),
  type: 'survey_response',
  source: 'survey-tool',
  occurredAt,
  identifiers: { email: `guest.${randomUUID().slice(0, 8)}@example.com` },
  payload: { surveyId: 'after-order', question: 'npsScore' in score ? 'How likely are you to recommend us?' : 'How satisfied were you?', channel: 'email', ...score },
});

describe('the shipped survey_response source (embedded)', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformUnderTest('embedded', PLATFORM_FEATURES);
  });
  afterAll(() => platform?.close());

  it('gives NPS (% promoters − % detractors) and CSAT (% answering 4 or 5) per month', async () => {
    const answers = [
      answer('2026-03-02T10:00:00Z', { npsScore: 10 }),
      answer('2026-03-05T10:00:00Z', { npsScore: 9 }),
      answer('2026-03-09T10:00:00Z', { npsScore: 7 }),
      answer('2026-03-20T10:00:00Z', { npsScore: 3 }),
      answer('2026-03-21T10:00:00Z', { csatScore: 5 }),
      answer('2026-03-22T10:00:00Z', { csatScore: 4 }),
      answer('2026-03-30T10:00:00Z', { csatScore: 2 }),
      answer('2026-04-01T10:00:00Z', { npsScore: 0 }),
    ];
    expect((await platform.post('/v1/touchpoints', { touchpoints: answers })).status).toBe(202);

    const months = await eventually(async () => {
      const { body } = await platform.post('/v1/admin/sql', { query: 'SELECT month, nps_answers, promoters, detractors, nps, csat_answers, csat FROM survey_scores_monthly ORDER BY month' });
      return body.rows?.length === 2 && body.rows[1].nps_answers === '1' ? body.rows : undefined;
    }, 'two months of survey scores');
    expect(months).toEqual([
      { month: '2026-03-01', nps_answers: '4', promoters: '2', detractors: '1', nps: 25, csat_answers: '3', csat: 66.7 },
      { month: '2026-04-01', nps_answers: '1', promoters: '0', detractors: '1', nps: -100, csat_answers: '0', csat: null },
    ]);
  });
});
