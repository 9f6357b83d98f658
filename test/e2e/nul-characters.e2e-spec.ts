import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { createAdmin } from '../utils/auth';
import { countRows } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

const hash = () => `0x${randomBytes(32).toString('hex')}`;
const address = () => `0x${randomBytes(20).toString('hex')}`;

/**
 * PostgreSQL text and jsonb cannot hold U+0000. Wherever it comes in (a query value, a path segment, a body
 * string or key, also in free-form objects no DTO rule describes) it is a 400 `validation_failed` naming the
 * place, never a database error (data_rule_violation) surfacing from the statement, and nothing is written.
 */
describe('NUL characters in input', () => {
  let testApp: TestApp;
  let superadmin: { id: string; token: string };

  beforeAll(async () => {
    testApp = await createTestApp();
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const expectNamed = (body: { code: string; details: { fields: string[] }; message: string[] }, field: string) => {
    expect(body.code).toBe('validation_failed');
    expect(body.details.fields).toEqual([field]);
    expect(body.message[0]).toMatch(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')} must not contain the NUL character`));
  };

  it('refuses %00 in a query value the DTO only bounds by length, naming the parameter', async () => {
    const res = await request(testApp.http)
      .get('/api/admin/logs?action=kyc%00approve')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .expect(400);
    expectNamed(res.body, 'action');
    // The same query without the NUL is fine (and stays fine once the pipe has remembered it).
    await request(testApp.http).get('/api/admin/logs?action=kyc.approve').set('Authorization', `Bearer ${superadmin.token}`).expect(200);
  });

  it('refuses \\u0000 in a string and in a key of a free-form body object, naming its path, writing nothing', async () => {
    const event = (args: object) => ({
      chainId: 8453,
      contractAddress: address(),
      blockNumber: '19000000',
      transactionHash: hash(),
      logIndex: 0,
      eventType: 'Transfer',
      args,
    });
    const before = await countRows(testApp, 'blockchain_events');
    const inValue = await request(testApp.http)
      .post('/api/admin/blockchain/events')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send({ events: [event({ memo: 'a\u0000b' })] })
      .expect(400);
    expectNamed(inValue.body, 'events.0.args.memo');
    const inKey = await request(testApp.http)
      .post('/api/admin/blockchain/events')
      .set('Authorization', `Bearer ${superadmin.token}`)
      .send({ events: [event({ ok: 1 }), event({ 'bad\u0000key': 1 })] })
      .expect(400);
    expectNamed(inKey.body, 'events.1.args.bad\u0000key');
    expect(await countRows(testApp, 'blockchain_events')).toBe(before);
  });
});
