import { replaySummaryText } from './replay-summary';

const topic = 'cdp.touchpoints.dlq.v1';

describe('replaySummaryText', () => {
  it('says when there is nothing to replay', () => {
    expect(replaySummaryText({ read: 0, appended: 0, alreadyInLog: 0, stillRefused: [] }, topic)).toBe('No dead letters in cdp.touchpoints.dlq.v1: the intake has refused nothing.');
  });

  it('counts what was appended, what the log already held and what is still refused, with each reason and where it came in', () => {
    const text = replaySummaryText(
      {
        read: 1204,
        appended: 1200,
        alreadyInLog: 2,
        stillRefused: [
          { source: 'cdp.touchpoints.raw.v1/0:17', code: 'UNKNOWN_SCHEMA_ID', reason: 'schema id 999 is not in the registry' },
          { source: 'cdp.touchpoints.raw.v1/3:4', code: 'INVALID_TOUCHPOINT', reason: 'payload.amount: must be a decimal; identifiers: needs at least one' },
        ],
      },
      topic,
    );
    expect(text.split('\n')).toEqual([
      'Replayed the 1,204 dead letter(s) of cdp.touchpoints.dlq.v1:',
      '',
      'REPLAYED            COUNT',
      '------------------  -----',
      'appended            1,200',
      'already in the log      2',
      'still refused           2',
      '',
      'SOURCE                       CODE                REASON',
      '---------------------------  ------------------  ------------------------------------------------------------------',
      'cdp.touchpoints.raw.v1/0:17  UNKNOWN_SCHEMA_ID   schema id 999 is not in the registry',
      'cdp.touchpoints.raw.v1/3:4   INVALID_TOUCHPOINT  payload.amount: must be a decimal; identifiers: needs at least one',
      '',
      expect.stringMatching(/^Next: register the schema .* then run `cdp dlq replay` again; it appends nothing twice/),
    ]);
  });

  it('says so when every dead letter is in the log', () => {
    expect(replaySummaryText({ read: 3, appended: 1, alreadyInLog: 2, stillRefused: [] }, topic)).toMatch(/Every dead letter is in the log now\. Replaying again appends nothing twice\.$/);
  });
});
