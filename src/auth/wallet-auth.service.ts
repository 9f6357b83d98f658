import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/app.config';
import type { AppConfig } from '../config/app.config';
import { UserStatus } from '../users/entities/user.entity';
import { AccessTokenService } from './access-token.service';
import { AuthError } from './auth.errors';
import { AuthNonceRepository } from './auth-nonce.repository';
import { InvestorSignInRepository } from './investor-sign-in.repository';
import { NonceRequestLimiter } from './login-attempt-limiter';
import { SignInOrigin } from './request-context';
import { SignInChallenge, SiweService } from './siwe.service';

/** Investors sign in with their wallet: a one-time nonce, an EIP-4361 message, a signature. */
@Injectable()
export class WalletAuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly siwe: SiweService,
    private readonly nonces: AuthNonceRepository,
    private readonly investors: InvestorSignInRepository,
    private readonly tokens: AccessTokenService,
    private readonly nonceLimiter: NonceRequestLimiter,
  ) {}

  async issueChallenge(address: string, origin: SignInOrigin, ip: string | null): Promise<SignInChallenge> {
    const wait = await this.nonceLimiter.take(ip);
    if (wait > 0) throw AuthError.tooManyAttempts(wait);
    return this.siwe.issueChallenge(address, origin);
  }

  /**
   * Verifies the signed message, consumes its nonce and issues an access token. An unknown wallet
   * gets 404 `wallet_not_registered` and its nonce stays unused (the transaction rolls back), so the
   * same signed message can register the wallet through POST /api/users.
   */
  async signIn(message: string, signature: `0x${string}`, origin: SignInOrigin) {
    const verified = await this.siwe.verifySignedMessage(message, signature, origin);
    const userId = await this.dataSource.transaction(async (manager) => {
      if (!(await this.nonces.consumeNonce(manager, verified))) throw AuthError.nonceNotUsable();
      const investor = await this.investors.findInvestorByWallet(manager, verified.address);
      if (!investor) throw AuthError.walletNotRegistered(verified.address);
      if (investor.status !== UserStatus.Active) {
        throw new AuthError('account_not_active', `The account is ${investor.status}`, 403);
      }
      await this.investors.recordInvestorSignIn(manager, investor.id);
      return investor.id;
    });
    const token = await this.tokens.issue('user', userId, this.config.auth.jwtTtlSeconds);
    return { ...token, userId };
  }
}
