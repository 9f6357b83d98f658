import { Transform } from 'class-transformer';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { getAddress, isAddress } from 'viem';

const UINT256_MAX = (1n << 256n) - 1n;

function register(name: string, validate: (value: unknown) => boolean, message: (property: string) => string, options?: ValidationOptions) {
  return (object: object, propertyName: string) => {
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options,
      validator: { validate, defaultMessage: (args: ValidationArguments) => message(args.property) },
    });
  };
}

/**
 * A 20-byte hex address. All-lowercase and all-uppercase hex carry no checksum (EIP-55) and are
 * accepted as they are; mixed case must be a valid EIP-55 checksum, so a mistyped address is refused.
 */
export function isEthAddress(value: unknown): value is string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) return false;
  const hex = value.slice(2);
  return hex === hex.toLowerCase() || hex === hex.toUpperCase() || isAddress(value, { strict: true });
}

export const IsEthAddress = (options?: ValidationOptions) =>
  register(
    'isEthAddress',
    isEthAddress,
    (property) => `${property} must be a 0x-prefixed 20-byte hex address (valid EIP-55 checksum when mixed case)`,
    options,
  );

/** Stores and queries addresses the way the schema keeps them: EIP-55 checksummed. Leaves bad input for the validator. */
export const ToChecksumAddress = () => Transform(({ value }) => (isEthAddress(value) ? getAddress(value.toLowerCase()) : value));

/** A 32-byte hex hash (transaction or block). */
export const IsTxHash = (options?: ValidationOptions) =>
  register(
    'isTxHash',
    (value) => typeof value === 'string' && /^0x[0-9a-fA-F]{64}$/.test(value),
    (property) => `${property} must be a 0x-prefixed 32-byte hex hash`,
    options,
  );

/** Hashes are stored lowercase. */
export const ToLowerCase = () => Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value));

/** A uint256 as a decimal string (numeric(78,0)). */
export const IsUint256String = (options?: ValidationOptions) =>
  register(
    'isUint256String',
    (value) => typeof value === 'string' && /^(0|[1-9][0-9]{0,77})$/.test(value) && BigInt(value) <= UINT256_MAX,
    (property) => `${property} must be a uint256 as a decimal string`,
    options,
  );

/** A block number as a decimal string or a safe integer (bigint column). */
export const IsBlockNumber = (options?: ValidationOptions) =>
  register(
    'isBlockNumber',
    (value) =>
      (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
      (typeof value === 'string' && /^(0|[1-9][0-9]{0,17})$/.test(value) && BigInt(value) <= 9223372036854775807n),
    (property) => `${property} must be a non-negative integer (a decimal string or a safe integer)`,
    options,
  );
