/** Keys whose values never reach a log line, whatever their nesting. */
const SECRET_KEYS =
  /^(password|passwordhash|password_hash|token|accesstoken|access_token|refreshtoken|authorization|cookie|secret|jwtsecret|jwt_secret|signature|phone|phonee164|phone_e164|apikey|api_key)$/i;

// Phone numbers: `+` then digits with separators, a bracketed area code, or a bare run of
// 10-15 digits. Dates, times and ports do not match.
const PHONE_PATTERN = /(?<![\w.+])(?:\+\d[\d\s().-]{6,}\d|\d{1,3}[\s-]?\(\d{2,4}\)[\d\s.-]{5,}\d|\d{10,15})(?![\w.])/g;
const BEARER_PATTERN = /\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g;
const URL_PASSWORD_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/\s]+:)[^@\s]+@/gi;

export const REDACTED = '[REDACTED]';

/** Masks phone numbers, tokens and credentials inside free text. */
export function redactText(text: string): string {
  return text
    .replace(URL_PASSWORD_PATTERN, `$1${REDACTED}@`)
    .replace(BEARER_PATTERN, `$1 ${REDACTED}`)
    .replace(JWT_PATTERN, REDACTED)
    .replace(PHONE_PATTERN, (match) => (match.replace(/\D/g, '').length >= 7 ? REDACTED : match));
}

/** Deep copy of a value with secret keys masked and strings scrubbed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? REDACTED : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
