/** A 65-byte ECDSA signature as 0x-prefixed hex (what personal_sign returns). */
export const SIGNATURE_PATTERN = /^0x[0-9a-fA-F]{130}$/;

/** An EIP-4361 message is a few hundred characters; anything far longer is not one. */
export const SIWE_MESSAGE_MAX_LENGTH = 4000;
