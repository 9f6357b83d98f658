import { ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ServiceUnavailableError } from '../errors/service-unavailable.error';
import { ERROR_CODES } from '../errors/error-codes';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** A reply that records what the filter sends. */
function capture(exception: unknown) {
  const sent: { status?: number; body?: Record<string, unknown>; headers: Record<string, string> } = { headers: {} };
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return this;
    },
    send(body: Record<string, unknown>) {
      sent.body = body;
    },
  };
  const request = { method: 'GET', url: '/api/x', routeOptions: { url: '/api/x' } };
  const host = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => request }) } as unknown as ArgumentsHost;
  const logged: unknown[] = [];
  const logger = { error: (e: unknown) => logged.push(e), log() {}, warn() {} };
  new AllExceptionsFilter(logger).catch(exception, host);
  return { ...sent, logged };
}

describe('AllExceptionsFilter', () => {
  it('answers an unexpected error 500 internal_error, logs it, and sends neither its message nor a stack', () => {
    const { status, body, logged } = capture(new Error('secret detail at /srv/app.js:12'));
    expect(status).toBe(500);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', code: 'internal_error' });
    expect(logged).toHaveLength(1);
  });

  it('gives every kind of error a catalogued code with the catalogued status', () => {
    const cases: [unknown, string][] = [
      [new BadRequestException('plain'), 'bad_request'],
      [new NotFoundException('Cannot GET /api/x'), 'route_not_found'],
      [new QueryFailedError('SELECT', [], Object.assign(new Error('dup'), { code: '23505' })), 'unique_violation'],
      [new QueryFailedError('SELECT', [], Object.assign(new Error('chk'), { code: '23514' })), 'data_rule_violation'],
      [new ServiceUnavailableError('overloaded', 'busy', 2), 'overloaded'],
    ];
    for (const [exception, code] of cases) {
      const { status, body } = capture(exception);
      expect(body?.code).toBe(code);
      expect(status).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES].status);
    }
  });

  it('sends Retry-After with a 503', () => {
    const { headers } = capture(new ServiceUnavailableError('database_unavailable', 'down', 5));
    expect(headers['Retry-After']).toBe('5');
  });
});
