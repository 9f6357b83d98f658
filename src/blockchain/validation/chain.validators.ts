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

/** A 20-byte hex address; mixed case must carry a valid EIP-55 checksum. */
export const IsEthAddress = (options?: ValidationOptions) =>
  register(
    'isEthAddress',
    (value) => typeof value === 'string' && isAddress(value, { strict: true }),
    (property) => `${property} must be a 0x-prefixed 20-byte hex address (valid EIP-55 checksum when mixed case)`,
    options,
  );

/** Stores addresses the way the schema expects: EIP-55 checksummed. Runs before validation; leaves bad input alone. */
export const ToChecksumAddress = () =>
  Transform(({ value }) => (typeof value === 'string' && isAddress(value, { strict: true }) ? getAddress(value) : value));

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
