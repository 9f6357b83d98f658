import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { LEGACY_ID, MONEY } from '../../database/columns';

@Entity('user_tiers')
@Check('chk_user_tiers_amounts', `"min_total_invested" >= 0 AND ("max_single_investment" IS NULL OR "max_single_investment" >= 0)`)
export class UserTier {
  @PrimaryGeneratedColumn({ type: 'smallint' })
  id: number;

  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ type: 'varchar', length: 32, unique: true })
  name: string;

  @Column({ ...MONEY, name: 'min_total_invested', default: 0 })
  minTotalInvested: string;

  @Column({ ...MONEY, name: 'max_single_investment', nullable: true })
  maxSingleInvestment: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  benefits: string[];

  @Column({ type: 'smallint', default: 0 })
  rank: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
