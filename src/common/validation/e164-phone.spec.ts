import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { REWRITTEN_BY_LIBPHONENUMBER } from './rewritten-phones';
import { libraryRewrites, toE164 } from './e164-phone';

describe('toE164', () => {
  it.each(REWRITTEN_BY_LIBPHONENUMBER)('keeps every digit of %s', (written, e164) => {
    // The premise: the library alone would store another number.
    expect(parsePhoneNumberFromString(e164)?.number).not.toBe(e164);
    expect(toE164(written)).toEqual({ ok: true, e164 });
    expect(libraryRewrites(e164)).toBe(true);
  });

  it('removes only separators and adds a missing +', () => {
    expect(toE164('1 (415) 555-0123')).toEqual({ ok: true, e164: '+14155550123' });
    expect(toE164('+800 1234 5678')).toEqual({ ok: true, e164: '+80012345678' });
    expect(libraryRewrites('+14155550123')).toBe(false);
  });

  it('refuses unknown calling codes and lengths outside 7–15 digits with the reason', () => {
    expect(toE164('+999 123 4567')).toEqual({ ok: false, reason: 'the country calling code is not a known one' });
    expect(toE164('+1234')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not E\.164 digits/) });
    expect(toE164('+1234567890123456')).toMatchObject({ ok: false });
    expect(toE164('+0044123456')).toMatchObject({ ok: false });
    expect(toE164('call me')).toMatchObject({ ok: false });
  });
});
