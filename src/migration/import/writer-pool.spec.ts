// Types only: import-unit's runtime pulls in stream-json, an ES module Jest does not load.
import type { ImportUnit } from './import-unit';
import { UnitWriter, WriterPool } from './writer-pool';

function user(legacyId: string, phoneHash: string): ImportUnit {
  return {
    table: 'users',
    file: 'wallet-db.json',
    location: `users.${legacyId}`,
    legacyId,
    raw: '{}',
    row: null,
    key: legacyId,
    children: [],
    references: [],
    rejected: null,
    merged: false,
    facts: { phoneHash, address: null },
  };
}

/** A writer whose batches finish only when the test says so. */
class ManualWriter implements UnitWriter {
  readonly started: string[] = [];
  private readonly finishers = new Map<string, () => void>();
  write(units: ImportUnit[]): Promise<void> {
    const name = units.map((u) => u.legacyId).join(',');
    this.started.push(name);
    return new Promise((resolve) => this.finishers.set(name, resolve));
  }
  finish(name: string): void {
    this.finishers.get(name)?.();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

// One ManualWriter stands for every connection of the pool: one log of what started.
describe('WriterPool', () => {
  it('writes batches that share nothing side by side', async () => {
    const writer = new ManualWriter();
    const pool = new WriterPool([writer, writer]);
    await pool.submit([user('usr_1', 'h1')], []);
    await pool.submit([user('usr_2', 'h2')], []);
    expect(writer.started).toEqual(['usr_1', 'usr_2']);
    writer.finish('usr_1');
    writer.finish('usr_2');
    await pool.drain();
  });

  it('holds a batch that shares a phone with a batch being written until that one is done', async () => {
    const writer = new ManualWriter();
    const pool = new WriterPool([writer, writer]);
    await pool.submit([user('usr_1', 'same')], []);
    let admitted = false;
    const second = pool.submit([user('usr_2', 'same')], []).then(() => (admitted = true));
    await tick();
    expect(admitted).toBe(false);
    expect(writer.started).toEqual(['usr_1']);
    writer.finish('usr_1');
    await second;
    expect(writer.started).toEqual(['usr_1', 'usr_2']);
    writer.finish('usr_2');
    await pool.drain();
  });

  it('holds a batch that repeats a chain event of a batch being written', async () => {
    const writer = new ManualWriter();
    const pool = new WriterPool([writer, writer]);
    const event = (legacyId: string): ImportUnit => ({ ...user(legacyId, 'unused'), table: 'blockchain_events', facts: undefined });
    await pool.submit([event('137:0xabc:1')], []);
    let admitted = false;
    const second = pool.submit([event('137:0xabc:1')], []).then(() => (admitted = true));
    await tick();
    expect(admitted).toBe(false);
    writer.finish('137:0xabc:1');
    await second;
    expect(admitted).toBe(true);
  });

  it('waits for a free connection when every one is busy', async () => {
    const writer = new ManualWriter();
    const pool = new WriterPool([writer]);
    await pool.submit([user('usr_1', 'h1')], []);
    let admitted = false;
    const second = pool.submit([user('usr_2', 'h2')], []).then(() => (admitted = true));
    await tick();
    expect(admitted).toBe(false);
    writer.finish('usr_1');
    await second;
    expect(writer.started).toEqual(['usr_1', 'usr_2']);
  });

  it('reports a writer failure on drain', async () => {
    const failing: UnitWriter = { write: () => Promise.reject(new Error('connection lost')) };
    const pool = new WriterPool([failing]);
    await pool.submit([user('usr_1', 'h1')], []);
    await expect(pool.drain()).rejects.toThrow('connection lost');
  });
});
