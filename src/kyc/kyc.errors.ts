import { DomainError } from '../common/errors/domain.error';
import { KycStatus } from './entities/kyc-application.entity';

export class KycError extends DomainError {
  static notFound(): KycError {
    return new KycError('kyc_application_not_found', 'KYC application not found', 404);
  }

  static applicationOpen(status: KycStatus): KycError {
    return new KycError('kyc_application_open', `An application is already ${status}; wait for its review`, 409);
  }

  static alreadyApproved(level: number): KycError {
    return new KycError('kyc_already_approved', `KYC is already approved at level ${level}`, 409);
  }

  static illegalTransition(from: KycStatus, to: KycStatus): KycError {
    return new KycError('kyc_illegal_transition', `A ${from} application cannot become ${to}`, 409, { from, to });
  }
}
