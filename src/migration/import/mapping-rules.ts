/**
 * The version of the rules that turn legacy values into rows. A record's import fingerprint
 * includes it, so a change to a mapping re-imports what it touches on the next run.
 *
 * 1: the first importer.
 * 2: phones keep every digit written (libphonenumber only validates).
 */
export const MAPPING_RULES_VERSION = 2;
