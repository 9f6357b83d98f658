import { registerDecorator, ValidationOptions } from 'class-validator';
import { isAddress } from 'viem';

/** A 20-byte hex address; mixed case must be a correct EIP-55 checksum (viem isAddress, strict). */
export function IsEthAddress(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isEthAddress',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be a 0x-prefixed 20-byte address with a valid EIP-55 checksum`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isAddress(value, { strict: true }) },
    });
}

/** A 65-byte ECDSA signature as 0x-prefixed hex (what personal_sign returns). */
export const SIGNATURE_PATTERN = /^0x[0-9a-fA-F]{130}$/;

/** An EIP-4361 message is a few hundred characters; anything far longer is not one. */
export const SIWE_MESSAGE_MAX_LENGTH = 4000;
