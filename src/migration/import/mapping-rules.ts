/**
 * The version of the rules that turn legacy values into rows, per kind of record (the table of its
 * row). A record's import fingerprint includes its kind's version: bump the version of the kinds a
 * mapping change touches, and the next run re-imports those records (and only those).
 *
 * users 2: phones keep every digit written (libphonenumber only validates).
 */
export const MAPPING_RULES = {
  assets: 1,
  users: 2,
  investments: 1,
  kyc_applications: 1,
  admin_logs: 1,
  blockchain_events: 1,
  contract_interactions: 1,
} as const;

export type FingerprintKind = keyof typeof MAPPING_RULES;

/** The highest of the kinds' versions (what a report names as the rules it ran with). */
export const MAPPING_RULES_VERSION = Math.max(...Object.values(MAPPING_RULES));
