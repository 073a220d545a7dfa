import fc from 'fast-check';
import { normalizeIdentifier, normalizeIdentifiers, primaryIdentifier } from './normalize-identifiers';
import { isPlaceholder, isTypedFiller, standsForNobody } from './placeholder';

const policy = { defaultPhoneRegion: 'IR' } as const;
const none = { customerId: null, email: null, phone: null, loyaltyCard: null, socialHandle: null, deviceId: null };

describe('identifier normalisation', () => {
  it.each([
    ['email', '  Sara.Ahmadi@Example.COM ', 'sara.ahmadi@example.com'],
    ['email', 'sara@example.com.', 'sara@example.com'],
    ['email', 'mailto:Sara@Example.com', 'sara@example.com'],
    ['email', 'sa\u200bra@exam\u00adple.com', 'sara@example.com'],
    ['email', 'Ali@Mesal.Iran', 'ali@mesal.iran'],
    ['email', 'user@उदाहरण.भारत', 'user@उदाहरण.भारत'],
    ['email', 'user@ตัวอย่าง.ไทย', 'user@ตัวอย่าง.ไทย'],
    ['phone', '0912 123 4567', '+989121234567'],
    ['phone', '+98 (912) 123-4567', '+989121234567'],
    ['phone', '+44 20 7946 0958', '+442079460958'],
    ['phone', '+98 21 1234 5678 ext. 12', '+982112345678;ext=12'],
    ['phone', '021 1234 5678 #13', '+982112345678;ext=13'],
    ['phone', '+98 912 123 4567 ext ۱۲', '+989121234567;ext=12'],
    ['phone', '0912\u200e123\u200e4567', '+989121234567'],
    ['phone', '+98\u200c912\u200c1234567', '+989121234567'],
    ['phone', '+98 21 8877 6655 داخلی ۱۲', '+982188776655;ext=12'],
    ['phone', '021-88776655 داخلي 12', '+982188776655;ext=12'],
    ['phone', '02112345678 داخلی: 14', '+982112345678;ext=14'],
    ['loyaltyCard', '7764\u200c458654', '7764458654'],
    ['customerId', 'c-\u200f42', 'c-42'],
    ['email', 'sara.ahmadi۱۳۶۹@example.com', 'sara.ahmadi1369@example.com'],
    ["email", "o'brien+x@example.com", "o'brien+x@example.com"],
    ['socialHandle', '@Sara.Eats', 'sara.eats'],
    ['socialHandle', '@@Sara', 'sara'],
    ['socialHandle', '@ Sara', 'sara'],
    ['socialHandle', '@', null],
    ['customerId', ' c-42 ', 'c-42'],
    ['deviceId', '   ', null],
    ['deviceId', '\u200b', null],
    ['customerId', '\ufeffc-42\u200b', 'c-42'],
    ['loyaltyCard', '۷۷۶۴۴۵۸۶۵۴', '7764458654'],
    ['loyaltyCard', 'GOLD-٤٢', 'GOLD-42'],
    ['customerId', 'c-４２', 'c-42'],
    ['deviceId', 'dev-۴۲', 'dev-۴۲'],
    ['email', 'E\u0301lodie@exemple.fr', '\u00e9lodie@exemple.fr'],
    ['socialHandle', '@علي', 'علی'],
    ['socialHandle', 'كريم', 'کریم'],
    ['loyaltyCard', 'مصطفى-7', 'مصطفی-7'],
    ['deviceId', 'e\u0301-ي', 'e\u0301-ي'],
    ['deviceId', 'd'.repeat(256), 'd'.repeat(256)],
    ['socialHandle', '\u{1F600}'.repeat(256), '\u{1F600}'.repeat(256)],
  ] as const)('%s %j becomes %j', (type, raw, expected) => {
    expect(normalizeIdentifier(type, raw, policy)).toEqual({ value: expected });
  });

  it.each([
    ['email', 'sara-at-example.com', /not an email/],
    ['email', 'a@example..com', /not an email/],
    ['email', 'sa..ra@example.com', /not an email/],
    ['email', '.sara@example.com', /not an email/],
    ['email', 'sara.@example.com', /not an email/],
    ['email', 'a@-example.com', /not an email/],
    ['email', 'a@example', /not an email/],
    ['phone', '12', /^has too few digits for a phone number in region IR$/],
    ['phone', '88776655', /^is not a valid phone number in region IR: check its digits; a landline needs its area code, a number of another country its country code/],
    ['phone', '+98 12', /^has too few digits for a phone number of the country its code names$/],
    ['phone', '۰۰۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷۸', /^has too many digits for a phone number of the country its code names$/],
    ['phone', '09121234567890', /^has too many digits for a phone number in region IR$/],
    ['email', 'sara,ahmadi@gmail.com', /not an email/],
    ['email', 'sara ahmadi@gmail.com', /not an email/],
    ['email', '"sara"@gmail.com', /not an email/],
    ['email', 'sara;x@gmail.com', /not an email/],
    ['email', 'a，b@x.com', /not an email/],
    ['email', 'a،b@x.com', /not an email/],
    ['deviceId', 'd'.repeat(257), /^is 257 characters long; an identifier holds at most 256$/],
    ['email', `${'a'.repeat(250)}@example.com`, /at most 256/],
    ['customerId', 'c-\u0000-1', /NUL/],
    ['email', 'a\ud800@example.com', /surrogate/],
  ] as const)('refuses %s %j', (type, raw, message) => {
    expect(normalizeIdentifier(type, raw, policy)).toEqual({ error: expect.stringMatching(message) });
  });

  it('is idempotent: normalising a normalised identifier changes nothing', () => {
    const edgy = fc.string({ unit: fc.constantFrom('@', ' ', 'A', '.', '\u200b', '\u200c', '\u200f', 'x@y.co', 'e\u0301', '\u0130', 'ي', 'ك', 'ى', '۱', '٤', 'داخلی') });
    const samples = fc.oneof(fc.constantFrom('0912 123 4567', '+989351112233', '+1 212 555 0100 x7', 'A@B.co', ' X@Example.org', '@Handle', '@@Handle', 'c-1', '۷۷۶-٤'), fc.string(), edgy);
    const types = fc.constantFrom(...(['email', 'phone', 'socialHandle', 'customerId', 'loyaltyCard', 'deviceId'] as const));
    fc.assert(
      fc.property(types, samples, (type, raw) => {
        const once = normalizeIdentifier(type, raw, policy);
        fc.pre('value' in once && once.value !== null);
        expect(normalizeIdentifier(type, once.value, policy)).toEqual(once);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reports every bad identifier of a touchpoint', () => {
    const { errors } = normalizeIdentifiers({ ...none, email: 'nope', phone: 'abc' }, policy);
    expect(errors.map((e) => e.type)).toEqual(['email', 'phone']);
  });
});

describe('placeholders', () => {
  it.each(['', 'null', 'undefined', 'anonymous', '0', '-1', '[object Object]', '0000-0000', '00000000-0000-0000-0000-000000000000', '-', '?', '***', '\u200b', ' \u200d '])(
    '%j identifies nobody',
    (value) => expect(isPlaceholder(value)).toBe(true),
  );
  // Zeros typed on a Persian or Arabic keyboard, or full-width: the same placeholder.
  it.each(['۰۰۰۰', '٠٠٠٠', '۰', '-۱', '０００', '۰۰۰-۰۰۰', '\u22121', '\u20131'])('%j identifies nobody, in any script\'s digits', (value) => expect(isPlaceholder(value)).toBe(true));
  it.each(['c-42', 'sara@example.com', '+989121234567', '10', 'سارا', '٧', '۱۰'])('%j is a real value', (value) => expect(isPlaceholder(value)).toBe(false));

  // Not placeholders, which the log's touchpoints are keyed by, but dropped as touchpoints come in.
  it.each([
    ['customerId', 'GUEST'], ['customerId', 'Not_Authenticated'], ['deviceId', 'true'], ['email', 'No Email'], ['customerId', 'ندارد'], ['phone', 'ندارم'],
    ['email', 'نامشخص'], ['customerId', 'لا يوجد'], ['phone', '(000) 000-0000'], ['phone', '+000 000'], ['email', 'noemail@noemail.com'],
    ['email', 'Test@Test.com'], ['email', 'mailto:email@example.com'],
  ] as const)('%s %j is what a form or a till fills in for no value: dropped', (type, value) => {
    expect(standsForNobody(type, value)).toBe(true);
    expect(normalizeIdentifier(type, value, policy)).toEqual({ value: null });
  });
  it.each(['1234567890', '2222222222', '2222222', '098 7654 3210', '+98 123 456 7890'])('phone %j, a national number typed for no number, is dropped', (value) => {
    expect(normalizeIdentifier('phone', value, policy)).toEqual({ value: null });
  });
  it('take a national number for filler from 7 digits on, a shorter one for what it is', () => {
    expect(['2222222', '1234567', '7654321'].map(isTypedFiller)).toEqual([true, true, true]);
    expect(['222222', '123456', '2222223', '1234568'].map(isTypedFiller)).toEqual([false, false, false, false]);
  });
  it.each([
    ['+98 76 5432 1098', '+987654321098'], ['076 5432 1098', '+987654321098'], ['+45 67 89 01 23', '+4567890123'], ['+32 10 98 76 54', '+3210987654'],
  ])('phone %j, whose digits run only with its country code, is kept', (value, e164) => {
    expect(normalizeIdentifier('phone', value, policy)).toEqual({ value: e164 });
  });
  it.each([
    ['customerId', 'guest-7'], ['email', 'test@gmail.com'], ['email', 'noemail@gmail.com'], ['email', 'email@email.arizona.edu'], ['email', 'unknown@unknown.co.uk'],
    ['customerId', 'guesthouse'], ['phone', '(021) 8888 0000'], ['phone', '0912 345 6789'], ['phone', '+98 912 123 4567'], ['loyaltyCard', '1234567'],
  ] as const)('%s %j is a real value', (type, value) => expect(standsForNobody(type, value)).toBe(false));

  it('are passed over when choosing the primary identifier', () => {
    expect(primaryIdentifier({ ...none, customerId: 'null', email: 'a@b.co' })).toBe('email:a@b.co');
    expect(primaryIdentifier({ ...none, loyaltyCard: 'L-1', email: 'a@b.co' })).toBe('loyaltyCard:L-1');
    expect(primaryIdentifier({ ...none, deviceId: '0' })).toBeUndefined();
  });
});
