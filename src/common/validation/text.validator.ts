import { Matches, ValidationOptions } from 'class-validator';

/** PostgreSQL text cannot hold U+0000; refuse it up front so the 400 names the field. */
export const NoNulCharacter = (options?: ValidationOptions) =>
  Matches(/^[^\u0000]*$/, { message: ({ property }) => `${property} must not contain the NUL character`, ...options });
