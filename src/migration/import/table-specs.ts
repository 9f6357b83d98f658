/**
 * How each target table is written: the text columns a batch sends (one text[] each, through
 * unnest), the SQL expression that turns them into the table's columns, and the key the rows are
 * matched on. Rows refer to each other by legacy id; the uuids are looked up in SQL.
 */
/** Tables a row refers to by legacy id (or name, or email), and the column each is found by. */
export const LOOKUP_KEYS = {
  users: 'legacy_id',
  assets: 'legacy_id',
  investments: 'legacy_id',
  kyc_applications: 'legacy_id',
  user_tiers: 'name',
  admin_users: 'email',
} as const;
export type LookupTable = keyof typeof LOOKUP_KEYS;

export interface Lookup {
  table: LookupTable;
  /** Input field holding the referenced record's legacy id (or name, or email). */
  field: string;
}

export interface ColumnSpec {
  /** Target column. */
  name: string;
  /** SQL over the input row `s`; defaults to `s.<name>`. */
  expr?: string;
  /** The uuid of another row, found by one of its keys (the SQL is built from it). */
  lookup?: Lookup;
  /** Null from the store means "not recorded": keep the current value, or use this default on insert. */
  keepWhenNull?: string;
}

export interface TableSpec {
  table: string;
  /** Input fields, in the order of the unnest arrays. */
  inputs: readonly string[];
  /** The column rows are matched on (unique). */
  key: string;
  columns: readonly ColumnSpec[];
  /** Set `updated_at = now()` when a row changes. */
  touch?: boolean;
  /**
   * The record may repeat (overlapping scans): the first copy is kept and later ones merge into
   * it, in this run and in later runs (chain data does not change once written).
   */
  mergeDuplicates?: boolean;
  /**
   * Rows not yet in the table are loaded with COPY (ids and references resolved before), the
   * way PostgreSQL loads fastest; rows already there go through the upsert. Every column must
   * then be a plain input (cast by COPY), a lookup, or keep-when-null with now().
   */
  copy?: { keyType: 'text' | 'uuid' };
}

const ts = (name: string): ColumnSpec => ({ name, expr: `s.${name}::timestamptz` });
const createdAt: ColumnSpec = { name: 'created_at', expr: 's.created_at::timestamptz', keepWhenNull: 'now()' };
const lookup = (name: string, table: LookupTable, field: string): ColumnSpec => ({ name, lookup: { table, field } });
const userId = (field = 'user_legacy_id'): ColumnSpec => lookup('user_id', 'users', field);
const assetId: ColumnSpec = lookup('asset_id', 'assets', 'asset_legacy_id');
const adminIdByEmail = (name: string, field: string): ColumnSpec => lookup(name, 'admin_users', field);

export const TABLES = {
  user_tiers: {
    table: 'user_tiers',
    inputs: ['legacy_id', 'name', 'min_total_invested', 'max_single_investment', 'benefits', 'rank'],
    key: 'name',
    columns: [
      { name: 'legacy_id' },
      { name: 'name' },
      { name: 'min_total_invested', expr: 's.min_total_invested::numeric' },
      { name: 'max_single_investment', expr: 's.max_single_investment::numeric' },
      { name: 'benefits', expr: `ARRAY(SELECT jsonb_array_elements_text(s.benefits::jsonb))::text[]` },
      { name: 'rank', expr: 's.rank::smallint' },
    ],
    touch: true,
  },
  admin_users: {
    table: 'admin_users',
    inputs: ['legacy_id', 'email', 'name', 'role', 'password_hash', 'active', 'created_at'],
    key: 'email',
    columns: [
      { name: 'legacy_id' },
      { name: 'email' },
      { name: 'name' },
      { name: 'role', expr: 's.role::admin_role' },
      { name: 'password_hash' },
      { name: 'active', expr: 's.active::boolean' },
      createdAt,
    ],
    touch: true,
  },
  admin_permissions: {
    table: 'admin_permissions',
    inputs: ['legacy_id', 'admin_email', 'permission'],
    key: 'legacy_id',
    columns: [{ name: 'legacy_id' }, adminIdByEmail('admin_user_id', 'admin_email'), { name: 'permission' }],
  },
  scanner_checkpoints: {
    table: 'scanner_checkpoints',
    inputs: ['chain_id', 'last_block'],
    key: 'chain_id',
    columns: [
      { name: 'chain_id', expr: 's.chain_id::integer' },
      { name: 'last_block', expr: 's.last_block::bigint' },
    ],
    touch: true,
  },
  assets: {
    table: 'assets',
    inputs: [
      'legacy_id',
      'name',
      'category',
      'status',
      'currency',
      'target_amount',
      'min_investment',
      'max_investment',
      'token_symbol',
      'token_price',
      'chain_id',
      'contract_address',
      'expected_apy',
      'opens_at',
      'closes_at',
      'description',
      'documents',
      'created_by',
      'created_at',
    ],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      { name: 'name' },
      { name: 'category', expr: 's.category::asset_category' },
      { name: 'status', expr: 's.status::asset_status' },
      { name: 'currency' },
      { name: 'target_amount', expr: 's.target_amount::numeric' },
      { name: 'min_investment', expr: 's.min_investment::numeric' },
      { name: 'max_investment', expr: 's.max_investment::numeric' },
      { name: 'token_symbol' },
      { name: 'token_price', expr: 's.token_price::numeric' },
      { name: 'chain_id', expr: 's.chain_id::integer' },
      { name: 'contract_address' },
      { name: 'expected_apy', expr: 's.expected_apy::numeric' },
      ts('opens_at'),
      ts('closes_at'),
      { name: 'description' },
      { name: 'documents', expr: 's.documents::jsonb' },
      { name: 'created_by' },
      createdAt,
    ],
    touch: true,
  },
  users: {
    table: 'users',
    copy: { keyType: 'text' },
    inputs: [
      'legacy_id',
      'phone_e164',
      'phone_hash',
      'blockchain_address',
      'email',
      'display_name',
      'tier',
      'status',
      'last_login_at',
      'created_at',
    ],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      { name: 'phone_e164' },
      { name: 'phone_hash' },
      { name: 'blockchain_address' },
      { name: 'email' },
      { name: 'display_name' },
      lookup('tier_id', 'user_tiers', 'tier'),
      { name: 'status', expr: 's.status::user_status' },
      ts('last_login_at'),
      createdAt,
    ],
    touch: true,
  },
  user_profiles: {
    table: 'user_profiles',
    copy: { keyType: 'uuid' },
    inputs: ['user_legacy_id', 'first_name', 'last_name', 'country', 'date_of_birth', 'language', 'notify_email', 'notify_sms'],
    key: 'user_id',
    columns: [
      userId(),
      { name: 'first_name' },
      { name: 'last_name' },
      { name: 'country' },
      { name: 'date_of_birth', expr: 's.date_of_birth::date' },
      { name: 'language' },
      { name: 'notify_email', expr: 's.notify_email::boolean' },
      { name: 'notify_sms', expr: 's.notify_sms::boolean' },
    ],
    touch: true,
  },
  transactions: {
    table: 'transactions',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'user_legacy_id', 'type', 'amount', 'currency', 'status', 'tx_hash', 'asset_legacy_id', 'created_at'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      userId(),
      { name: 'type', expr: 's.type::transaction_type' },
      { name: 'amount', expr: 's.amount::numeric' },
      { name: 'currency' },
      { name: 'status', expr: 's.status::transaction_status' },
      { name: 'tx_hash' },
      assetId,
      createdAt,
    ],
  },
  investments: {
    table: 'investments',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'user_legacy_id', 'asset_legacy_id', 'amount', 'tokens', 'status', 'tx_hash', 'created_at'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      userId(),
      assetId,
      { name: 'amount', expr: 's.amount::numeric' },
      { name: 'tokens', expr: 's.tokens::numeric' },
      { name: 'status', expr: 's.status::investment_status' },
      { name: 'tx_hash' },
      createdAt,
    ],
    touch: true,
  },
  investment_agreements: {
    table: 'investment_agreements',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'version', 'accepted_at', 'ip_address', 'signature'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      lookup('investment_id', 'investments', 'legacy_id'),
      { name: 'version' },
      ts('accepted_at'),
      { name: 'ip_address', expr: 's.ip_address::inet' },
      { name: 'signature' },
    ],
  },
  kyc_applications: {
    table: 'kyc_applications',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'user_legacy_id', 'status', 'level', 'submitted_at', 'reviewed_at', 'reviewed_by', 'rejection_reason'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      userId(),
      { name: 'status', expr: 's.status::kyc_status' },
      { name: 'level', expr: 's.level::smallint' },
      { name: 'submitted_at', expr: 's.submitted_at::timestamptz', keepWhenNull: 'now()' },
      ts('reviewed_at'),
      { name: 'reviewed_by' },
      adminIdByEmail('reviewer_admin_id', 'reviewed_by'),
      { name: 'rejection_reason' },
    ],
    touch: true,
  },
  kyc_documents: {
    table: 'kyc_documents',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'application_legacy_id', 'type', 'storage_key', 'sha256', 'mime_type', 'uploaded_at', 'status'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      lookup('application_id', 'kyc_applications', 'application_legacy_id'),
      { name: 'type', expr: 's.type::kyc_document_type' },
      { name: 'storage_key' },
      { name: 'sha256' },
      { name: 'mime_type' },
      { name: 'uploaded_at', expr: 's.uploaded_at::timestamptz', keepWhenNull: 'now()' },
      { name: 'status', expr: 's.status::kyc_document_status' },
    ],
  },
  admin_logs: {
    table: 'admin_logs',
    copy: { keyType: 'text' },
    inputs: ['legacy_id', 'admin_email', 'action', 'target_type', 'target_id', 'details', 'ip', 'timestamp'],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      adminIdByEmail('admin_user_id', 'admin_email'),
      { name: 'admin_email' },
      { name: 'action' },
      { name: 'target_type' },
      { name: 'target_id' },
      { name: 'details', expr: 's.details::jsonb' },
      { name: 'ip' },
      ts('timestamp'),
    ],
  },
  blockchain_events: {
    table: 'blockchain_events',
    copy: { keyType: 'text' },
    inputs: [
      'legacy_id',
      'chain_id',
      'contract_address',
      'contract_name',
      'block_number',
      'block_hash',
      'transaction_hash',
      'log_index',
      'event_type',
      'args',
      'value',
      'timestamp',
    ],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      { name: 'chain_id', expr: 's.chain_id::integer' },
      { name: 'contract_address' },
      { name: 'contract_name' },
      { name: 'block_number', expr: 's.block_number::bigint' },
      { name: 'block_hash' },
      { name: 'transaction_hash' },
      { name: 'log_index', expr: 's.log_index::integer' },
      { name: 'event_type' },
      { name: 'args', expr: 's.args::jsonb' },
      { name: 'value', expr: 's.value::numeric' },
      ts('timestamp'),
    ],
    mergeDuplicates: true,
  },
  contract_interactions: {
    table: 'contract_interactions',
    copy: { keyType: 'text' },
    inputs: [
      'legacy_id',
      'chain_id',
      'contract_address',
      'transaction_hash',
      'block_number',
      'from_address',
      'method',
      'args',
      'value',
      'gas_used',
      'status',
      'timestamp',
    ],
    key: 'legacy_id',
    columns: [
      { name: 'legacy_id' },
      { name: 'chain_id', expr: 's.chain_id::integer' },
      { name: 'contract_address' },
      { name: 'transaction_hash' },
      { name: 'block_number', expr: 's.block_number::bigint' },
      { name: 'from_address' },
      { name: 'method' },
      { name: 'args', expr: 's.args::jsonb' },
      { name: 'value', expr: 's.value::numeric' },
      { name: 'gas_used', expr: 's.gas_used::numeric' },
      { name: 'status', expr: 's.status::contract_call_status' },
      ts('timestamp'),
    ],
    mergeDuplicates: true,
  },
} as const satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;

/** Repeats of this table's records merge into the first copy (chain data) instead of being quarantined. */
export function mergesRepeats(table: TableName): boolean {
  return (TABLES[table] as TableSpec).mergeDuplicates === true;
}

/** Parents before children, so every lookup by legacy id finds its row. */
export const TABLE_ORDER: readonly TableName[] = [
  'user_tiers',
  'admin_users',
  'admin_permissions',
  'scanner_checkpoints',
  'assets',
  'users',
  'user_profiles',
  'transactions',
  'investments',
  'investment_agreements',
  'kyc_applications',
  'kyc_documents',
  'admin_logs',
  'blockchain_events',
  'contract_interactions',
];

function columnSql(c: ColumnSpec): string {
  if (c.expr) return c.expr;
  if (!c.lookup) return `s.${c.name}`;
  const { table, field } = c.lookup;
  const value = table === 'admin_users' ? `lower(s.${field})` : `s.${field}`;
  return `(SELECT x.id FROM ${table} x WHERE x.${LOOKUP_KEYS[table]} = ${value})`;
}

/** The batched upsert: one statement, text arrays in, counts of inserted and updated rows out. */
export function buildUpsertSql(spec: TableSpec): string {
  // One JSON parameter (serialised natively by JSON.stringify, parsed in C by PostgreSQL) instead of one array per column.
  const record = spec.inputs.map((input) => `${input} text`).join(', ');
  const values = spec.columns.map((c) => `${columnSql(c)} AS ${c.name}`).join(', ');
  const changing = spec.columns.filter((c) => c.name !== spec.key);
  const newValue = (c: ColumnSpec) => (c.keepWhenNull ? `COALESCE(v.${c.name}, t.${c.name})` : `v.${c.name}`);
  const set = [...changing.map((c) => `${c.name} = ${newValue(c)}`), ...(spec.touch ? ['updated_at = now()'] : [])].join(', ');
  const current = changing.map((c) => `t.${c.name}`).join(', ');
  const next = changing.map(newValue).join(', ');
  const insertValues = spec.columns.map((c) => (c.keepWhenNull ? `COALESCE(v.${c.name}, ${c.keepWhenNull})` : `v.${c.name}`)).join(', ');
  return `WITH s AS (SELECT * FROM json_to_recordset($1::json) AS s(${record})),
v AS (SELECT ${values} FROM s),
upd AS (${
    spec.mergeDuplicates
      ? 'SELECT 1 WHERE false'
      : `UPDATE ${spec.table} t SET ${set} FROM v WHERE t.${spec.key} = v.${spec.key} AND ROW(${current}) IS DISTINCT FROM ROW(${next}) RETURNING 1`
  }),
ins AS (INSERT INTO ${spec.table} (${spec.columns.map((c) => c.name).join(', ')}) SELECT ${insertValues} FROM v WHERE NOT EXISTS (SELECT 1 FROM ${spec.table} t WHERE t.${spec.key} = v.${spec.key}) RETURNING 1)
SELECT (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM ins)::int AS inserted`;
}
