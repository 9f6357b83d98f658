import { redactText, redactValue, REDACTED } from './redact';

describe('log redaction', () => {
  it('masks phone numbers in free text but keeps dates, times and ports', () => {
    expect(redactText('login for +14155550123 failed')).toBe(`login for ${REDACTED} failed`);
    expect(redactText('user 1 (415) 555-0123 here')).toBe(`user ${REDACTED} here`);
    expect(redactText('2026-11-25 16:25:44 UTC on port 54329')).toBe('2026-11-25 16:25:44 UTC on port 54329');
  });

  it('masks bearer tokens, JWTs and URL passwords', () => {
    expect(redactText('Authorization: Bearer abc.def.ghi')).not.toContain('abc.def.ghi');
    expect(redactText('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).toBe(`token ${REDACTED}`);
    expect(redactText('postgres://pend:s3cret@db/pend')).toBe(`postgres://pend:${REDACTED}@db/pend`);
  });

  it('masks secret keys at any depth', () => {
    expect(redactValue({ user: { password: 'hunter2', phone: '+14155550123', name: 'Ada' } })).toEqual({
      user: { password: REDACTED, phone: REDACTED, name: 'Ada' },
    });
  });
});
