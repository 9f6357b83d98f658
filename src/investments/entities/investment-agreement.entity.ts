import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LEGACY_ID } from '../../database/columns';
import { Investment } from './investment.entity';

@Entity('investment_agreements')
export class InvestmentAgreement {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The legacy id of the investment the agreement was embedded in. */
  @Column({ ...LEGACY_ID })
  legacyId: string | null;

  @Column({ name: 'investment_id', type: 'uuid', unique: true })
  investmentId: string;

  @OneToOne(() => Investment, (investment) => investment.agreement, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'investment_id' })
  investment?: Investment;

  @Column({ type: 'varchar', length: 32 })
  version: string;

  @Column({ name: 'accepted_at', type: 'timestamptz' })
  acceptedAt: Date;

  @Column({ name: 'ip_address', type: 'inet', nullable: true })
  ipAddress: string | null;

  @Column({ type: 'text', nullable: true })
  signature: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
