import type { FastifyRequest } from 'fastify';
import { clientIpOf } from './client-ip.decorator';

describe('clientIpOf', () => {
  const request = (ip: string | undefined, remoteAddress?: string) => ({ ip, socket: { remoteAddress } }) as unknown as FastifyRequest;

  it.each([
    ['an IPv4 address', request('203.0.113.9'), '203.0.113.9'],
    ['an IPv6 address', request('2001:db8::1'), '2001:db8::1'],
    ['the socket peer when Fastify has none', request(undefined, '127.0.0.1'), '127.0.0.1'],
    ['null for a proxy’s "unknown"', request('unknown'), null],
    ['null for something that is no address', request('not-an-address'), null],
    ['null when nothing is known', request(undefined), null],
  ])('%s', (_what, req, expected) => {
    expect(clientIpOf(req)).toBe(expected);
  });

  it('answers each address for itself when they alternate (the last answer is kept only for the same address)', () => {
    const seen = ['203.0.113.9', 'unknown', 'unknown', '203.0.113.9', '203.0.113.9', '::1', 'bad'].map((ip) => clientIpOf(request(ip)));
    expect(seen).toEqual(['203.0.113.9', null, null, '203.0.113.9', '203.0.113.9', '::1', null]);
  });
});
