import type { AppConfig } from '../config/app.config';

/** Where a Sign-In-with-Ethereum message must say it comes from. */
export interface SignInOrigin {
  domain: string;
  uri: string;
}

/**
 * From configuration only (SIWE_DOMAIN, SIWE_URI), never from Host or X-Forwarded-Host: EIP-4361's
 * domain binding exists so that a phishing site cannot relay a sign-in written for its own host.
 */
export function signInOrigin(config: AppConfig): SignInOrigin {
  return { domain: config.auth.siwe.domain, uri: config.auth.siwe.uri };
}
