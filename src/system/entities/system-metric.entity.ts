import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity('system_metrics')
@Index('idx_system_metrics_name_time', ['name', 'recordedAt'])
@Index('idx_system_metrics_time', ['recordedAt'])
export class SystemMetric {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'jsonb', nullable: true })
  labels: Record<string, string> | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}
