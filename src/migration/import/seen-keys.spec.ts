import { SeenKeys } from './seen-keys';

describe('SeenKeys', () => {
  it('says whether an id was read before, per table, across growth', () => {
    const seen = new SeenKeys(16);
    const count = 300_000;
    let added = 0;
    for (let i = 0; i < count; i++) if (seen.add('transactions', `tx_${i}`)) added++;
    expect(added).toBe(count);
    expect(seen.size).toBe(count);
    // Every id again: each one is a repeat, in the same table only.
    let repeats = 0;
    for (let i = 0; i < count; i++) if (!seen.add('transactions', `tx_${i}`)) repeats++;
    expect(repeats).toBe(count);
    expect(seen.add('investments', 'tx_1')).toBe(true);
    expect(seen.size).toBe(count + 1);
  });

  it('tells apart ids that differ in one character or in where the table name ends', () => {
    const seen = new SeenKeys();
    expect(seen.add('users', 'usr_1')).toBe(true);
    expect(seen.add('users', 'usr_2')).toBe(true);
    expect(seen.add('users', 'usr_1 ')).toBe(true);
    expect(seen.add('user', 'susr_1')).toBe(true);
    expect(seen.add('users', 'usr_1')).toBe(false);
  });
});
