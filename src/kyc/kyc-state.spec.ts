import { KycStatus } from './entities/kyc-application.entity';
import { KycDocumentStatus } from './entities/kyc-document.entity';
import { canMoveKyc, documentStatusAfter } from './kyc-state';

describe('KYC state machine', () => {
  it.each([
    [KycStatus.Pending, KycStatus.InReview, true],
    [KycStatus.Pending, KycStatus.Approved, true],
    [KycStatus.Pending, KycStatus.Rejected, true],
    [KycStatus.InReview, KycStatus.Approved, true],
    [KycStatus.InReview, KycStatus.Rejected, true],
    [KycStatus.InReview, KycStatus.InReview, false],
    [KycStatus.InReview, KycStatus.Pending, false],
    [KycStatus.Approved, KycStatus.Rejected, false],
    [KycStatus.Approved, KycStatus.InReview, false],
    [KycStatus.Rejected, KycStatus.Approved, false],
    [KycStatus.Rejected, KycStatus.Pending, false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canMoveKyc(from, to)).toBe(allowed);
  });
});

describe('documents after a decision', () => {
  it.each([
    [KycStatus.Approved, KycDocumentStatus.Accepted],
    [KycStatus.Rejected, KycDocumentStatus.Rejected],
    [KycStatus.InReview, null],
    [KycStatus.Pending, null],
  ])('%s → pending documents become %s', (decision, status) => {
    expect(documentStatusAfter(decision)).toBe(status);
  });
});
