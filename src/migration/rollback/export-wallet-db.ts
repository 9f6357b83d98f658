import * as path from 'node:path';
import { TextSink } from '../generator/json-sink';
import { ExportContext, FileSummary, mergeAtPositions, sideFileRest, writeQuarantinedMember } from './context';
import { embeddable } from './quarantine';
import { cursorBatches, iso, legacyKey, money, str } from './sql';

const FILE = 'wallet-db.json';
const USER_LOCATION = '^users\\.[^.\\[]+$';
const TX_PARENT = '^users\\.[^.\\[]+\\.transactions$';
const PROFILE_LOCATION = '^users\\.[^.\\[]+\\.profile$';
/** A v1 entry is a top-level member keyed by its phone hash. */
const V1_LOCATION = '^[^.\\[ ]+$';

interface UserRow {
  id: string;
  key: string;
  phone_e164: string | null;
  phone_hash: string;
  blockchain_address: string | null;
  email: string | null;
  display_name: string | null;
  tier: string | null;
  status: string;
  created: string | null;
  last_login: string | null;
  has_profile: boolean;
  first_name: string | null;
  last_name: string | null;
  country: string | null;
  dob: string | null;
  language: string | null;
  notify_email: boolean | null;
  notify_sms: boolean | null;
}

interface TxRow {
  user_id: string;
  id: string;
  type: string;
  amount: string;
  currency: string;
  status: string;
  tx_hash: string | null;
  opportunity: string | null;
  created: string | null;
}

const bool = (value: boolean | null) => (value === null ? 'null' : String(value));

function userText(user: UserRow, transactions: string[], quarantinedProfile: string | null): string {
  let text = `{"id":${str(user.key)},"phone":${str(user.phone_e164)},"phoneHash":"${user.phone_hash}","walletAddress":${str(user.blockchain_address)}`;
  text += `,"email":${str(user.email)},"displayName":${str(user.display_name)}`;
  if (user.tier !== null) text += `,"tier":${str(user.tier)}`;
  text += `,"status":"${user.status}","createdAt":${str(user.created)},"lastLoginAt":${str(user.last_login)}`;
  if (user.has_profile) {
    text += `,"profile":{"firstName":${str(user.first_name)},"lastName":${str(user.last_name)},"country":${str(user.country)},"dateOfBirth":${str(user.dob)},"language":${str(user.language)},"notifications":{"email":${bool(user.notify_email)},"sms":${bool(user.notify_sms)}}}`;
  } else if (quarantinedProfile !== null) {
    text += `,"profile":${quarantinedProfile}`;
  }
  return `${text},"transactions":[${transactions.join(',')}]}`;
}

function transactionText(tx: TxRow): string {
  return `{"id":${str(tx.id)},"type":"${tx.type}","amount":${money(tx.amount)},"currency":${str(tx.currency)},"status":"${tx.status}","txHash":${str(tx.tx_hash)},"opportunityId":${str(tx.opportunity)},"createdAt":${str(tx.created)}}`;
}

/** v1 users (no phone: the store kept only the hash) as `"<phone hash>": "<address>"` members. */
async function writeV1Users(context: ExportContext, sink: TextSink, first: boolean, summary: FileSummary): Promise<boolean> {
  const sql = `SELECT ${legacyKey('', 'legacy_id', 'id')} AS key, phone_hash, blockchain_address FROM users
    WHERE phone_e164 IS NULL ORDER BY legacy_id NULLS LAST, id`;
  for await (const batch of cursorBatches<{ key: string; phone_hash: string; blockchain_address: string | null }>(
    context.runner,
    sql,
    context.batchSize,
  )) {
    let text = '';
    for (const user of batch) {
      // A v1 user's legacy id is its phone hash.
      const key = /^[0-9a-f]{64}$/.test(user.key) ? user.key : user.phone_hash;
      text += `${first ? '' : ','}\n${JSON.stringify(key)}:${str(user.blockchain_address)}`;
      first = false;
    }
    summary.records.users += batch.length;
    await sink.write(text);
  }
  const taken = `EXISTS (SELECT 1 FROM users u WHERE u.legacy_id = q.legacy_id)`;
  for await (const record of context.quarantine.records(FILE, V1_LOCATION, taken)) {
    if (await writeQuarantinedMember(sink, context.quarantine, record, record.location, first, summary)) first = false;
  }
  return first;
}

/**
 * wallet-db.json: v2 users keyed by legacy id, with profile and transactions. Users imported from
 * a v1 store (no phone) are written as v1 members `"<phone hash>": "<address>"` beside `users`,
 * which the importer reads as v1 entries: the v1 flat map when every user is one.
 */
export async function exportWalletDb(context: ExportContext): Promise<FileSummary> {
  const { runner, quarantine } = context;
  const summary: FileSummary = { file: FILE, records: { users: 0, transactions: 0 }, reEmitted: 0, sideFiled: 0 };
  const [shape]: Array<{ users: string; phoned: string }> = await runner.query(
    `SELECT count(*) AS users, count(phone_e164) AS phoned FROM users`,
  );
  const sink = new TextSink(path.join(context.out, FILE));
  if (Number(shape.users) > 0 && Number(shape.phoned) === 0) {
    await sink.write('{');
    await writeV1Users(context, sink, true, summary);
    await sink.write('\n}\n');
    await sink.close();
    await sideFileRest(quarantine, '^wallet-db\\.json$', V1_LOCATION, summary);
    return summary;
  }

  await quarantine.stageNested('rollback_q_transactions', FILE, TX_PARENT);
  await quarantine.stageSingles('rollback_q_profiles', FILE, PROFILE_LOCATION);
  await sink.write('{"schemaVersion":2,"updatedAt":' + JSON.stringify(new Date().toISOString()) + ',"users":{');
  let first = true;
  const usersSql = `SELECT u.id, ${legacyKey('usr_', 'u.legacy_id', 'u.id')} AS key, u.phone_e164, u.phone_hash,
      u.blockchain_address, u.email, u.display_name, t.name AS tier, u.status::text AS status,
      ${iso('u.created_at')} AS created, ${iso('u.last_login_at')} AS last_login,
      p.user_id IS NOT NULL AS has_profile, p.first_name, p.last_name, p.country, p.date_of_birth::text AS dob,
      p.language, p.notify_email, p.notify_sms
    FROM users u LEFT JOIN user_tiers t ON t.id = u.tier_id LEFT JOIN user_profiles p ON p.user_id = u.id
    WHERE u.phone_e164 IS NOT NULL ORDER BY u.legacy_id NULLS LAST, u.id`;
  for await (const users of cursorBatches<UserRow>(runner, usersSql, context.batchSize)) {
    const txRows: TxRow[] = await runner.query(
      `SELECT t.user_id, ${legacyKey('tx_', 't.legacy_id', 't.id')} AS id, t.type::text AS type, t.amount::text AS amount,
         t.currency, t.status::text AS status, t.tx_hash,
         CASE WHEN a.id IS NULL THEN NULL ELSE ${legacyKey('opp_', 'a.legacy_id', 'a.id')} END AS opportunity,
         ${iso('t.created_at')} AS created
       FROM transactions t LEFT JOIN assets a ON a.id = t.asset_id
       WHERE t.user_id = ANY($1::uuid[]) ORDER BY t.user_id, t.created_at, t.id`,
      [users.map((user) => user.id)],
    );
    const byUser = new Map<string, string[]>();
    for (const tx of txRows) {
      const list = byUser.get(tx.user_id) ?? [];
      list.push(transactionText(tx));
      byUser.set(tx.user_id, list);
    }
    const placed = await quarantine.nestedOf(
      'rollback_q_transactions',
      users.map((user) => `users.${user.key}.transactions`),
    );
    const profiles = await quarantine.nestedOf(
      'rollback_q_profiles',
      users.filter((user) => !user.has_profile).map((user) => `users.${user.key}.profile`),
    );
    let text = '';
    for (const user of users) {
      const transactions = await mergeAtPositions(
        quarantine,
        byUser.get(user.id) ?? [],
        placed.get(`users.${user.key}.transactions`),
        summary,
      );
      const profile = profiles.get(`users.${user.key}.profile`)?.find((record) => embeddable(record)) ?? null;
      if (profile) summary.reEmitted++;
      text += `${first ? '' : ','}\n${JSON.stringify(user.key)}:${userText(user, transactions, profile?.raw ?? null)}`;
      first = false;
    }
    summary.records.users += users.length;
    summary.records.transactions += txRows.length;
    await sink.write(text);
  }
  // Quarantined users come after the imported ones: where a user clashed with an earlier one,
  // the earlier (imported) one stays first, so a re-import resolves the clash the same way.
  const taken = `EXISTS (SELECT 1 FROM users u WHERE u.legacy_id = q.legacy_id)`;
  for await (const record of quarantine.records(FILE, USER_LOCATION, taken)) {
    const key = record.location.slice('users.'.length);
    if (await writeQuarantinedMember(sink, quarantine, record, key, first, summary)) first = false;
  }
  await sink.write('\n}');
  await writeV1Users(context, sink, false, summary);
  await sink.write('}\n');
  await sink.close();
  for await (const orphan of quarantine.orphansOf(
    'rollback_q_transactions',
    `EXISTS (SELECT 1 FROM users u WHERE u.legacy_id = substring(s.parent FROM '^users\\.(.*)\\.transactions$'))`,
  )) {
    await quarantine.sideFile(orphan, 'its user is not in the database (a quarantined user carries its own transactions)');
    summary.sideFiled++;
  }
  for await (const orphan of quarantine.orphansOf(
    'rollback_q_profiles',
    `EXISTS (SELECT 1 FROM users u WHERE u.legacy_id = substring(s.parent FROM '^users\\.(.*)\\.profile$')
       AND NOT EXISTS (SELECT 1 FROM user_profiles p WHERE p.user_id = u.id))`,
  )) {
    await quarantine.sideFile(orphan, 'its user is not in the database, or has a profile now');
    summary.sideFiled++;
  }
  const handled = [USER_LOCATION, V1_LOCATION, PROFILE_LOCATION, '^users\\.[^.\\[]+\\.transactions\\[[0-9]+\\]$'].join('|');
  await sideFileRest(quarantine, '^wallet-db\\.json$', handled, summary);
  return summary;
}
