import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { getAddress, verifyMessage } from 'viem';
import { createSiweMessage, parseSiweMessage, validateSiweMessage } from 'viem/siwe';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { AuthError } from './auth.errors';
import { AuthNonceRepository, signInMessageHash } from './auth-nonce.repository';
import { SignInOrigin } from './request-context';

export interface SignInChallenge {
  nonce: string;
  message: string;
  issuedAt: string;
  expiresAt: string;
}

export interface VerifiedSignIn {
  /** EIP-55 checksummed. */
  address: `0x${string}`;
  nonce: string;
  /** SHA-256 of the message: consuming the nonce checks it against the one issued. */
  messageHash: string;
}

const STATEMENT = 'Sign in to Pend.';

/**
 * Sign-In with Ethereum (EIP-4361) through viem: issues the message to sign and checks a signed one
 * (fields, origin, chain, lifetime, signature). Consuming the nonce is the caller's job, inside its transaction.
 */
@Injectable()
export class SiweService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly nonces: AuthNonceRepository,
  ) {}

  async issueChallenge(address: string, origin: SignInOrigin): Promise<SignInChallenge> {
    const checksummed = getAddress(address);
    const nonce = randomBytes(16).toString('hex');
    const issuedAt = new Date();
    const expiresAt = new Date(issuedAt.getTime() + this.config.auth.siwe.nonceTtlSeconds * 1000);
    const message = createSiweMessage({
      address: checksummed,
      chainId: this.config.auth.siwe.chainId,
      domain: origin.domain,
      uri: origin.uri,
      nonce,
      issuedAt,
      expirationTime: expiresAt,
      statement: STATEMENT,
      version: '1',
    });
    await this.nonces.insertNonce(nonce, checksummed, signInMessageHash(message), expiresAt);
    return { nonce, message, issuedAt: issuedAt.toISOString(), expiresAt: expiresAt.toISOString() };
  }

  /**
   * Checks the message names this origin and chain, is within its lifetime, and is signed by the address
   * it names. That it is the exact text issued with its nonce is checked when the nonce is consumed.
   */
  async verifySignedMessage(message: string, signature: `0x${string}`, origin: SignInOrigin): Promise<VerifiedSignIn> {
    const fields = parseSiweMessage(message);
    if (!fields.address || !fields.nonce) throw AuthError.invalidSignIn('not a Sign-In with Ethereum message');
    if (fields.chainId !== this.config.auth.siwe.chainId) throw AuthError.invalidSignIn('wrong chain id');
    if (fields.uri !== origin.uri) throw AuthError.invalidSignIn('wrong uri');
    if (!fields.expirationTime) throw AuthError.invalidSignIn('the message has no expiration time');
    if (!validateSiweMessage({ message: fields, domain: origin.domain })) {
      throw AuthError.invalidSignIn('wrong domain, malformed fields or expired message');
    }
    const address = getAddress(fields.address);
    let valid: boolean;
    try {
      valid = await verifyMessage({ address, message, signature });
    } catch {
      valid = false;
    }
    if (!valid) throw AuthError.invalidSignIn('the signature does not match the address');
    return { address, nonce: fields.nonce, messageHash: signInMessageHash(message) };
  }
}
