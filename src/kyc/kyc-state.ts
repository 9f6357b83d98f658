import { KycStatus } from './entities/kyc-application.entity';
import { KycDocumentStatus } from './entities/kyc-document.entity';

/**
 * The review state machine. A reviewer may decide straight from pending; approved and
 * rejected are final (a rejected investor submits a new application).
 */
export const KYC_TRANSITIONS: Record<KycStatus, readonly KycStatus[]> = {
  [KycStatus.Pending]: [KycStatus.InReview, KycStatus.Approved, KycStatus.Rejected],
  [KycStatus.InReview]: [KycStatus.Approved, KycStatus.Rejected],
  [KycStatus.Approved]: [],
  [KycStatus.Rejected]: [],
};

export function canMoveKyc(from: KycStatus, to: KycStatus): boolean {
  return KYC_TRANSITIONS[from].includes(to);
}

/** A final decision settles the application's still-pending documents: accepted on approval, rejected on rejection; null: leave them. */
export function documentStatusAfter(decision: KycStatus): KycDocumentStatus | null {
  if (decision === KycStatus.Approved) return KycDocumentStatus.Accepted;
  if (decision === KycStatus.Rejected) return KycDocumentStatus.Rejected;
  return null;
}
