import { example, profileOf } from '../testing/profile-fixtures';
import { visibleProfile } from './visible-profile';

describe('the visible profile', () => {
  const T10 = '2026-11-20T10:00:00.000Z';
  const T11 = '2026-11-20T11:00:00.000Z';

  it('leaves out the preferences and dates the customer withdrew, and keeps everything else as stored', () => {
    const stored = profileOf(
      example('profile_update', 1, { occurredAt: T10, payload: { preferences: { sauce: 'no spicy sauce', table: 'window' }, importantDates: { passportExpiry: '2027-03-01', birthday: '1990-02-05' } } }),
      example('profile_update', 2, { occurredAt: T11, payload: { preferences: { sauce: null }, importantDates: { passportExpiry: null } } }),
    );
    const visible = visibleProfile(stored);
    expect(Object.keys(visible.preferences)).toEqual(['table']);
    expect(Object.keys(visible.importantDates)).toEqual(['birthday']);
    const { preferences: _p, importantDates: _d, ...rest } = visible;
    const { preferences: _sp, importantDates: _sd, ...storedRest } = stored;
    expect(rest).toEqual(storedRest);
  });

  it('keeps "__proto__" an ordinary key', () => {
    const stored = profileOf(example('profile_update', 1, { payload: { preferences: JSON.parse('{"__proto__": "x", "sauce": null}'), importantDates: {} } }));
    expect(Object.keys(visibleProfile(stored).preferences)).toEqual(['__proto__']);
  });
});
