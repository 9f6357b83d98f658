import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One row per API request, written in batches off the request path. No FKs: logs never block deletes. */
@Entity('api_usage_logs')
// Rows arrive in time order and are read only by time: BRIN costs next to nothing per insert.
@Index('idx_api_usage_logs_created', ['createdAt'], { type: 'brin' })
export class ApiUsageLog {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 10 })
  method: string;

  /** The route pattern (`/api/users/:id`), never the raw path with ids. */
  @Column({ type: 'varchar', length: 255 })
  route: string;

  @Column({ name: 'status_code', type: 'smallint' })
  statusCode: number;

  @Column({ name: 'duration_ms', type: 'double precision' })
  durationMs: number;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'admin_user_id', type: 'uuid', nullable: true })
  adminUserId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
