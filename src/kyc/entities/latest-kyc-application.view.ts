import { ViewColumn, ViewEntity } from 'typeorm';
import { KycStatus } from './kyc-application.entity';

/**
 * The one definition of "a user's latest KYC application": the last one submitted, ties broken by creation
 * time, then id. The profile, the investment check and the monitoring dashboard all read it from this view
 * (they used to order three different ways and could disagree on applications submitted at the same instant).
 */
@ViewEntity({
  name: 'latest_kyc_applications',
  expression: `SELECT DISTINCT ON (k.user_id) k.id, k.user_id, k.status, k.level, k.submitted_at, k.created_at
    FROM kyc_applications k
    ORDER BY k.user_id, k.submitted_at DESC, k.created_at DESC, k.id DESC`,
})
export class LatestKycApplication {
  @ViewColumn()
  id: string;

  @ViewColumn({ name: 'user_id' })
  userId: string;

  @ViewColumn()
  status: KycStatus;

  @ViewColumn()
  level: number;

  @ViewColumn({ name: 'submitted_at' })
  submittedAt: Date;

  @ViewColumn({ name: 'created_at' })
  createdAt: Date;
}
