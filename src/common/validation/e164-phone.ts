import { BadRequestException } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import metadata from 'libphonenumber-js/metadata.min.json';
import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Phone numbers are kept exactly as written: E.164 is `+` and the digits the caller or the legacy
 * file gave, with spaces, dashes, dots and brackets removed and a missing `+` added. libphonenumber
 * only validates (is the country calling code one it knows?); it never supplies the digits, because
 * after some calling codes it reads leading digits as a carrier or trunk prefix and drops them
 * (`+5590906067612` would become `+55906067612`).
 */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

const SEPARATORS = /[\s\-().]/g;

/** Every calling code libphonenumber's metadata names, geographic (1, 44, 55…) and not (800, 882…). */
const CALLING_CODES: ReadonlySet<string> = new Set([
  ...Object.keys(metadata.country_calling_codes),
  ...Object.keys(metadata.nonGeographic ?? {}),
]);

export type E164Result = { ok: true; e164: string } | { ok: false; reason: string };

/** `+` and exactly the digits written, or why the text is not an international phone number. */
export function toE164(text: string): E164Result {
  const compact = text.replace(SEPARATORS, '');
  const candidate = compact.startsWith('+') ? compact : `+${compact}`;
  if (!E164_PATTERN.test(candidate)) return { ok: false, reason: 'not E.164 digits (a country calling code and 7 to 15 digits in all)' };
  const digits = candidate.slice(1);
  if (![1, 2, 3].some((length) => CALLING_CODES.has(digits.slice(0, length)))) {
    return { ok: false, reason: 'the country calling code is not a known one' };
  }
  return { ok: true, e164: candidate };
}

/**
 * True when libphonenumber would read other digits than these (a carrier or trunk prefix it
 * drops). The API refuses such a number rather than store either reading.
 */
export function libraryRewrites(e164: string): boolean {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed !== undefined && parsed.number !== e164;
}

/**
 * A phone number in international format whose digits are stored as written: a known calling
 * code, 7 to 15 digits, and no digit libphonenumber would read differently.
 */
export function IsExactE164Phone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isExactE164Phone',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const result = toE164(value);
          return result.ok && !libraryRewrites(result.e164);
        },
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          const result = typeof value === 'string' ? toE164(value) : null;
          if (result === null) return `${args?.property} must be a phone number in international format (+country code)`;
          if (!result.ok) return `${args?.property} must be a phone number in international format (+country code): ${result.reason}`;
          return `${args?.property} has digits that would be read as another number (a carrier or trunk prefix after the country code); send the number exactly as dialled internationally`;
        },
      },
    });
}

/**
 * The exact E.164 form of a phone that passed `IsExactE164Phone`; anything else is a 400 naming
 * the field (never a number other than the one sent).
 */
export function exactE164(text: string, field: string): string {
  const result = toE164(text);
  if (!result.ok)
    throw new BadRequestException(`${field} must be a phone number in international format (+country code): ${result.reason}`);
  if (libraryRewrites(result.e164)) throw new BadRequestException(`${field} has digits that would be read as another number`);
  return result.e164;
}
