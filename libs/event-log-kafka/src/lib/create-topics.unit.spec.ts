import type { Admin } from 'kafkajs';
import { createTopicsAndWait } from './create-topics';

/** A broker whose topic exists and is led, and whose ACLs refuse DescribeConfigs (no authorizer runs on this machine's broker). */
function adminRefusingDescribeConfigs(): Admin {
  const refusal = Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
  return {
    listTopics: async () => ['cdp.touchpoints.v1'],
    fetchTopicMetadata: async () => ({ topics: [{ name: 'cdp.touchpoints.v1', partitions: [{ partitionId: 0, leader: 1 }] }] }),
    fetchTopicOffsets: async () => [],
    describeConfigs: async () => Promise.reject(refusal),
  } as unknown as Admin;
}

describe('createTopicsAndWait on a cluster whose ACLs refuse DescribeConfigs', () => {
  afterEach(() => jest.restoreAllMocks());

  it('goes on unchecked, and says what to allow or check by hand', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const topic = { topic: 'cdp.touchpoints.v1', configEntries: [{ name: 'retention.ms', value: '-1' }], guarantees: { 'retention.ms': 'rebuilds read it all' } };

    const partitions = await createTopicsAndWait(adminRefusingDescribeConfigs(), [topic]);

    expect([...partitions.keys()]).toEqual(['cdp.touchpoints.v1']);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      '[kafka] the settings of cdp.touchpoints.v1 could not be checked (Not authorized to access topics: [Topic authorization failed]): allow DescribeConfigs on them, or check by hand that cdp.touchpoints.v1 has retention.ms=-1',
    ]);
  });
});
