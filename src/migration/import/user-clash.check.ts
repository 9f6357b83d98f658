import { SqlClient } from './sql-client';
import { ImportUnit } from './import-unit';

/**
 * Two users may not share a phone (same E.164, hence same hash) or a wallet: the earlier one in
 * the file is kept (already in the database, or earlier in this batch), the later one quarantined.
 */
export async function checkUserClashes(runner: SqlClient, units: ImportUnit[]): Promise<void> {
  const users = units.filter((u) => u.table === 'users' && u.rejected === null && u.facts);
  if (users.length === 0) return;
  const hashes = users.map((u) => u.facts?.phoneHash as string);
  const addresses = users.map((u) => u.facts?.address).filter((a): a is string => !!a);
  const rows: { legacy_id: string | null; phone_hash: string; blockchain_address: string | null }[] = await runner.query(
    `SELECT legacy_id, phone_hash, blockchain_address FROM users WHERE phone_hash = ANY($1::text[]) OR blockchain_address = ANY($2::text[])`,
    [hashes, addresses],
  );
  const storedPhone = new Map<string, string>();
  const storedWallet = new Map<string, string>();
  for (const row of rows) {
    const owner = row.legacy_id ?? '(a user created outside the import)';
    storedPhone.set(row.phone_hash, owner);
    if (row.blockchain_address) storedWallet.set(row.blockchain_address, owner);
  }
  const batchPhone = new Map<string, string>();
  const batchWallet = new Map<string, string>();
  const ownerOf = (batch: Map<string, string>, stored: Map<string, string>, value: string, self: string | null) => {
    const earlier = batch.get(value);
    if (earlier !== undefined) return earlier;
    const existing = stored.get(value);
    return existing !== undefined && existing !== self ? existing : undefined;
  };
  for (const u of users) {
    const hash = u.facts?.phoneHash as string;
    const address = u.facts?.address ?? null;
    const phoneOwner = ownerOf(batchPhone, storedPhone, hash, u.legacyId);
    if (phoneOwner !== undefined) {
      u.rejected = `duplicate phone: normalises to the same number as earlier user '${phoneOwner}'`;
      continue;
    }
    const walletOwner = address ? ownerOf(batchWallet, storedWallet, address, u.legacyId) : undefined;
    if (walletOwner !== undefined) {
      u.rejected = `duplicate wallet address: the same address as earlier user '${walletOwner}'`;
      continue;
    }
    batchPhone.set(hash, u.legacyId ?? '');
    if (address) batchWallet.set(address, u.legacyId ?? '');
  }
}
