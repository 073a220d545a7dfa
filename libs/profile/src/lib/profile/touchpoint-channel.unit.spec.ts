import { example, touchpoint } from '../testing/profile-fixtures';
import { channelOf } from './touchpoint-channel';

describe('the channel of a touchpoint', () => {
  it('is the fixed value of its manifest', () => {
    expect(channelOf(example('call', 1), { value: 'phone' })).toBe('phone');
  });

  it('is the payload field its manifest names', () => {
    expect(channelOf(example('purchase', 1), { field: 'channel' })).toBe('store');
    expect(channelOf(example('social_mention', 1), { field: 'platform' })).toBe('instagram');
  });

  it('is trimmed and lower-cased, so that one channel written several ways is counted as one', () => {
    for (const written of ['Web ', 'WEB', 'web', '\u200bWEB\ufeff']) expect(channelOf(example('purchase', 1, { payload: { channel: written } }), { field: 'channel' })).toBe('web');
    expect(channelOf(example('call', 1), { value: 'Phone' })).toBe('phone');
  });

  it('is none when the manifest names none, or the field is absent, empty or not text', () => {
    expect(channelOf(example('refund', 1), null)).toBeNull();
    expect(channelOf(example('purchase', 1, { payload: { channel: null } }), { field: 'channel' })).toBeNull();
    expect(channelOf(example('purchase', 1, { payload: { channel: ' ' } }), { field: 'channel' })).toBeNull();
    expect(channelOf(touchpoint('survey_response', 1, { payload: { via: 3 } }), { field: 'via' })).toBeNull();
    expect(channelOf(touchpoint('survey_response', 1), { field: 'constructor' })).toBeNull();
  });
});
