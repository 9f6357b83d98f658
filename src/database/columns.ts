import { ColumnOptions } from 'typeorm';

/**
 * Money: exact decimal, room for 18 integer digits and 6 decimals (USDC precision).
 * pg returns numeric as a string, so amounts never pass through a JS float.
 */
export const MONEY: ColumnOptions = { type: 'numeric', precision: 24, scale: 6 };

/** uint256 token amounts and on-chain integers. */
export const UINT256: ColumnOptions = { type: 'numeric', precision: 78, scale: 0 };

/** Legacy ids (`usr_…`, `opp_…`, a phone hash, …): kept so re-runs and exports find the same record. */
export const LEGACY_ID: ColumnOptions = { name: 'legacy_id', type: 'varchar', length: 128, nullable: true, unique: true };

export const ADDRESS_PATTERN = `'^0x[0-9a-fA-F]{40}$'`;
export const TX_HASH_PATTERN = `'^0x[0-9a-f]{64}$'`;
export const SHA256_PATTERN = `'^[0-9a-f]{64}$'`;
