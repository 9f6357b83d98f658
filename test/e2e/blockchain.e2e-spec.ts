import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { getAddress } from 'viem';
import { AdminRole } from '../../src/admin/entities/admin-user.entity';
import { permits, ROLE_PERMISSIONS } from '../../src/auth/guards/permissions';
import { createAdmin, createUser } from '../utils/auth';
import { countRows } from '../utils/market-fixtures';
import { createTestApp, TestApp } from '../utils/test-app';

const hash = () => `0x${randomBytes(32).toString('hex')}`;
const address = () => `0x${randomBytes(20).toString('hex')}`;

describe('Blockchain API', () => {
  let testApp: TestApp;
  let superadmin: { id: string; token: string };
  let analyst: { id: string; token: string };
  const contract = address(); // lowercase on the way in

  const event = (overrides: object = {}) => ({
    chainId: 8453,
    contractAddress: contract,
    blockNumber: '19000000',
    transactionHash: hash(),
    logIndex: 0,
    eventType: 'Transfer',
    args: { from: address(), to: address() },
    value: '115792089237316195423570985008687907853269984665640564039457584007913129639935',
    timestamp: '2024-05-01T12:00:00Z',
    ...overrides,
  });

  beforeAll(async () => {
    testApp = await createTestApp();
    superadmin = await createAdmin(testApp, AdminRole.Superadmin);
    analyst = await createAdmin(testApp, AdminRole.Analyst);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const ingest = (events: object[], token = superadmin.token) =>
    request(testApp.http).post('/api/admin/blockchain/events').set('Authorization', `Bearer ${token}`).send({ events });
  const listEvents = (query: string, token = analyst.token) =>
    request(testApp.http).get(`/api/blockchain/events${query}`).set('Authorization', `Bearer ${token}`);

  describe('POST /api/admin/blockchain/events', () => {
    it('ingests a batch idempotently on (chain id, tx hash, log index), uint256 exact, address checksummed, hash lowercased', async () => {
      const tx = hash().toUpperCase().replace('0X', '0x');
      const batch = [
        event({ transactionHash: tx, logIndex: 0 }),
        event({ transactionHash: tx, logIndex: 1, blockNumber: 19000001 }),
        event(),
      ];
      expect((await ingest(batch).expect(200)).body).toEqual({ inserted: 3, duplicates: 0 });
      expect((await ingest([...batch, event({ transactionHash: tx, logIndex: 0 })]).expect(200)).body).toEqual({
        inserted: 0,
        duplicates: 4,
      });
      // Same tx and log index on another chain is another event.
      expect((await ingest([event({ transactionHash: tx, logIndex: 0, chainId: 1 })]).expect(200)).body).toEqual({
        inserted: 1,
        duplicates: 0,
      });

      const [row] = await testApp.dataSource.query(
        `SELECT contract_address, transaction_hash, value::text, block_number::text FROM blockchain_events WHERE transaction_hash = $1 AND log_index = 1`,
        [tx.toLowerCase()],
      );
      expect(row).toEqual({
        contract_address: getAddress(contract),
        transaction_hash: tx.toLowerCase(),
        value: batch[0].value,
        block_number: '19000001',
      });
      expect(await countRows(testApp, 'admin_logs', `action = 'blockchain.events.ingest'`)).toBe(3);
    });

    it.each([
      ['events.0.contractAddress', { contractAddress: '0xnothex' }],
      ['events.0.transactionHash', { transactionHash: '0x1234' }],
      ['events.0.blockHash', { blockHash: 'abc' }],
      ['events.0.value', { value: '1.5' }],
      ['events.0.value', { value: '-1' }],
      ['events.0.value', { value: (1n << 256n).toString() }],
      ['events.0.value', { value: 12 }],
      ['events.0.blockNumber', { blockNumber: '-3' }],
      ['events.0.logIndex', { logIndex: 'one' }],
      ['events.0.chainId', { chainId: 0 }],
      ['events.0.timestamp', { timestamp: 'yesterday' }],
      ['events.0.rogue', { rogue: 1 }],
      ['events.0.eventType', { eventType: 'Tr\u0000nsfer' }],
    ])('400 naming %s, nothing written', async (field, patch) => {
      const before = await countRows(testApp, 'blockchain_events');
      const res = await ingest([event(patch)]).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await countRows(testApp, 'blockchain_events')).toBe(before);
    });

    it('a NUL character inside free-form args is a 400, not a 500, and nothing is written', async () => {
      const before = await countRows(testApp, 'blockchain_events');
      await ingest([event(), event({ args: { memo: 'a\u0000b' } })]).expect(400);
      expect(await countRows(testApp, 'blockchain_events')).toBe(before);
    });

    it('refuses an empty batch and one over 1000 events', async () => {
      expect(JSON.stringify((await ingest([]).expect(400)).body.message)).toContain('events');
      const tooMany = Array.from({ length: 1001 }, (_, i) => event({ logIndex: i }));
      expect(JSON.stringify((await ingest(tooMany).expect(400)).body.message)).toContain('events');
    });
  });

  describe('GET /api/blockchain/events', () => {
    const other = address();
    beforeAll(async () => {
      const events = Array.from({ length: 7 }, (_, i) =>
        event({
          contractAddress: other,
          blockNumber: String(100 + Math.floor(i / 2)),
          logIndex: i % 2,
          eventType: i === 6 ? 'Approval' : 'Transfer',
        }),
      );
      await ingest(events).expect(200);
    });

    it('filters by contract in any case, event and block range, pages with a cursor in chain order', async () => {
      const all = await listEvents(`?contract=${other.toUpperCase().replace('0X', '0x')}&limit=1000`).expect(200);
      expect(all.body.items).toHaveLength(7);
      expect(all.body.nextCursor).toBeNull();

      const pages: string[][] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const res: request.Response = await listEvents(
          `?contract=${other}&event=Transfer&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        ).expect(200);
        pages.push(res.body.items.map((e: { blockNumber: string; logIndex: number }) => `${e.blockNumber}:${e.logIndex}`));
        cursor = res.body.nextCursor;
      }
      expect(pages).toEqual([
        ['100:0', '100:1', '101:0', '101:1'],
        ['102:0', '102:1'],
      ]);

      const ranged = await listEvents(`?contract=${other}&fromBlock=101&toBlock=102`).expect(200);
      expect(ranged.body.items.map((e: { blockNumber: string }) => e.blockNumber)).toEqual(['101', '101', '102', '102']);
      expect(ranged.body.items[0]).toMatchObject({ contractAddress: getAddress(other), chainId: 8453, value: expect.any(String) });
    });

    it('uses idx_blockchain_events_contract for the contract filter', async () => {
      await testApp.dataSource.query('ANALYZE blockchain_events');
      // A handful of rows make a sequential scan cheapest; forbid it to see which index the planner picks.
      const plan: { 'QUERY PLAN': string }[] = await testApp.dataSource.transaction(async (manager) => {
        await manager.query('SET LOCAL enable_seqscan = off');
        return manager.query(
          `EXPLAIN SELECT * FROM blockchain_events e WHERE e.contract_address = $1 AND e.event_type = 'Transfer' ORDER BY e.block_number, e.log_index, e.id`,
          [getAddress(other)],
        );
      });
      expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toContain('idx_blockchain_events_contract');
    });

    it.each([
      ['contract', ''],
      ['contract', '?contract=0x12'],
      ['fromBlock', `?contract=${address()}&fromBlock=-1`],
      ['toBlock', `?contract=${address()}&fromBlock=10&toBlock=5`],
      ['limit', `?contract=${address()}&limit=1001`],
      ['cursor', `?contract=${address()}&cursor=garbage`],
      ['cursor', `?contract=${address()}&cursor=${Buffer.from('["1",0,"x"]').toString('base64url')}`],
    ])('400 naming %s', async (field, query) => {
      const res = await listEvents(query).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
    });
  });

  describe('contract interactions', () => {
    const target = address();
    const caller = address();
    const call = (overrides: object = {}) => ({
      chainId: 8453,
      contractAddress: target,
      transactionHash: hash(),
      blockNumber: 500,
      fromAddress: caller,
      method: 'invest(uint256)',
      args: ['100'],
      value: '1000000000000000000',
      gasUsed: '21000',
      status: 'success',
      ...overrides,
    });
    const ingestCalls = (interactions: object[]) =>
      request(testApp.http)
        .post('/api/admin/blockchain/interactions')
        .set('Authorization', `Bearer ${superadmin.token}`)
        .send({ interactions });

    it('ingests idempotently on (chain id, tx hash, method) and lists by contract, method or caller', async () => {
      const tx = hash();
      const batch = [
        call({ transactionHash: tx }),
        call({ transactionHash: tx, method: 'approve(address,uint256)' }),
        call({ blockNumber: 501, fromAddress: address() }),
      ];
      expect((await ingestCalls(batch).expect(200)).body).toEqual({ inserted: 3, duplicates: 0 });
      expect((await ingestCalls(batch).expect(200)).body).toEqual({ inserted: 0, duplicates: 3 });

      const byContract = await request(testApp.http)
        .get(`/api/blockchain/interactions?contract=${target}&limit=2`)
        .set('Authorization', `Bearer ${analyst.token}`)
        .expect(200);
      expect(byContract.body.items).toHaveLength(2);
      const next = await request(testApp.http)
        .get(`/api/blockchain/interactions?contract=${target}&limit=2&cursor=${byContract.body.nextCursor}`)
        .set('Authorization', `Bearer ${analyst.token}`)
        .expect(200);
      expect(next.body).toMatchObject({ items: [{ blockNumber: '501' }], nextCursor: null });

      const byMethod = await request(testApp.http)
        .get(`/api/blockchain/interactions?contract=${target}&method=invest(uint256)`)
        .set('Authorization', `Bearer ${analyst.token}`)
        .expect(200);
      expect(byMethod.body.items).toHaveLength(2);
      const byCaller = await request(testApp.http)
        .get(`/api/blockchain/interactions?from=${caller}`)
        .set('Authorization', `Bearer ${analyst.token}`)
        .expect(200);
      expect(byCaller.body.items.map((c: { fromAddress: string; value: string }) => [c.fromAddress, c.value])).toEqual([
        [getAddress(caller), '1000000000000000000'],
        [getAddress(caller), '1000000000000000000'],
      ]);
      await request(testApp.http).get('/api/blockchain/interactions').set('Authorization', `Bearer ${analyst.token}`).expect(400);
    });

    it.each([
      ['interactions.0.status', { status: 'ok' }],
      ['interactions.0.fromAddress', { fromAddress: '0xzz' }],
      ['interactions.0.gasUsed', { gasUsed: '2.5' }],
      ['interactions.0.args', { args: 'x' }],
    ])('400 naming %s, nothing written', async (field, patch) => {
      const before = await countRows(testApp, 'contract_interactions');
      const res = await ingestCalls([call(patch)]).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(field);
      expect(await countRows(testApp, 'contract_interactions')).toBe(before);
    });
  });

  describe('role × route matrix', () => {
    const routes = [
      {
        name: 'POST /api/admin/blockchain/events',
        permission: 'blockchain:ingest',
        ok: 200,
        method: 'post',
        path: '/api/admin/blockchain/events',
        body: () => ({ events: [event()] }),
      },
      {
        name: 'POST /api/admin/blockchain/interactions',
        permission: 'blockchain:ingest',
        ok: 200,
        method: 'post',
        path: '/api/admin/blockchain/interactions',
        body: () => ({
          interactions: [
            { chainId: 1, contractAddress: address(), transactionHash: hash(), blockNumber: 1, method: 'f()', status: 'success' },
          ],
        }),
      },
      {
        name: 'GET /api/blockchain/events',
        permission: 'blockchain:read',
        ok: 200,
        method: 'get',
        path: `/api/blockchain/events?contract=${address()}`,
        body: () => undefined,
      },
      {
        name: 'GET /api/blockchain/interactions',
        permission: 'blockchain:read',
        ok: 200,
        method: 'get',
        path: `/api/blockchain/interactions?contract=${address()}`,
        body: () => undefined,
      },
    ] as const;

    it.each(routes.map((r) => [r.name, r] as const))('%s', async (_name, route) => {
      const call = (token?: string) => {
        let test =
          route.method === 'post' ? request(testApp.http).post(route.path).send(route.body()) : request(testApp.http).get(route.path);
        if (token) test = test.set('Authorization', `Bearer ${token}`);
        return test;
      };
      await call().expect(401);
      await call((await createUser(testApp)).token).expect(403);
      for (const role of Object.values(AdminRole)) {
        const admin = await createAdmin(testApp, role);
        const expected = permits(ROLE_PERMISSIONS[role], route.permission) ? route.ok : 403;
        expect({ role, status: (await call(admin.token)).status }).toEqual({ role, status: expected });
      }
    });
  });
});
