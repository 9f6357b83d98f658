import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../../config/app.config';
import { errorBody } from '../filters/all-exceptions.filter';

/** Methods that only read: everything else is a write (sign-in included: it stores a nonce or a rate window). */
export const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const MAINTENANCE_MESSAGE = 'The platform is read-only for maintenance; retry the write after the time in Retry-After';

/**
 * MAINTENANCE_MODE=read_only: every write is answered 503 `maintenance_read_only` with Retry-After
 * before its body is read or any handler runs (nothing half-written), in the usual error shape;
 * reads are served as usual and /api/health reports `degraded`.
 */
export function useMaintenanceMode(fastify: FastifyInstance, maintenance: AppConfig['maintenance']): void {
  if (!maintenance.readOnly) return;
  const body = errorBody(503, MAINTENANCE_MESSAGE, 'maintenance_read_only');
  fastify.addHook('onRequest', (request, reply, next) => {
    if (READ_METHODS.has(request.method)) return next();
    void reply.header('Retry-After', String(maintenance.retryAfterSeconds)).status(503).send(body);
  });
}
