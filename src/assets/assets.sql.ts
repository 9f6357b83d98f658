import { AssetCategory, AssetStatus } from './entities/asset.entity';
import { AssetSortKey } from './dto/asset-query.dto';
import { cursorTimestampSql } from '../common/pagination/keyset-cursor';
import { RecordRef, recordRefMatch } from '../common/validation/parse-record-ref.pipe';

/**
 * The SQL behind the read routes, as plain {text, values} builders: the repository runs them
 * through TypeORM and the API benchmark's floor runs the very same statements through raw `pg`.
 */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** Every column of an asset, camel-cased as the API returns them. Money stays a decimal string. */
export const ASSET_COLUMNS = `a.id, a.name, a.category, a.status, a.currency,
  a.target_amount AS "targetAmount", a.min_investment AS "minInvestment", a.max_investment AS "maxInvestment",
  a.token_symbol AS "tokenSymbol", a.token_price AS "tokenPrice", a.chain_id AS "chainId",
  a.contract_address AS "contractAddress", a.expected_apy AS "expectedApy",
  a.opens_at AS "opensAt", a.closes_at AS "closesAt", a.description, a.documents,
  a.created_by AS "createdBy", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

export interface AssetSearch {
  text?: string;
  category?: AssetCategory;
  status?: AssetStatus;
  minApy?: string;
  maxApy?: string;
  sort: AssetSortKey;
  order: 'asc' | 'desc';
  limit: number;
  /** Keyset: only rows after this one in the sort order (the last row of the previous page). */
  after?: { value: string | null; id: string };
  /** False for investors: drafts stay hidden. */
  includeDrafts: boolean;
}

/**
 * Per sort key: the SQL type its cursor value is cast back to, how a row's value is rendered for a
 * cursor (exactly: a timestamp to the microsecond, numerics as text), and whether it may be NULL
 * (NULLs sort last in either order).
 */
const SORT_COLUMNS: Record<AssetSortKey, { type: string; cursorValue: string; nullable: boolean }> = {
  createdAt: { type: 'timestamptz', cursorValue: cursorTimestampSql('m."createdAt"'), nullable: false },
  expectedApy: { type: 'numeric', cursorValue: 'm."expectedApy"::text', nullable: true },
  targetAmount: { type: 'numeric', cursorValue: 'm."targetAmount"::text', nullable: false },
  name: { type: 'text', cursorValue: 'm.name', nullable: false },
};

/** `%`, `_` and `\` in the searched text are literal characters, not LIKE wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One keyset page of matching assets plus the total count, in one statement (a row with null id when
 * the page is empty). Each row carries `cursorValue`, its sort value as a cursor holds it. The order is
 * (sort column, id), both in the requested direction, NULLs last; `after` continues behind a row.
 */
export function assetSearchSql(search: AssetSearch): SqlQuery {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (!search.includeDrafts) where.push(`a.status <> 'draft'`);
  if (search.status) where.push(`a.status = ${param(search.status)}`);
  if (search.category) where.push(`a.category = ${param(search.category)}`);
  if (search.minApy !== undefined) where.push(`a.expected_apy >= ${param(search.minApy)}::numeric`);
  if (search.maxApy !== undefined) where.push(`a.expected_apy <= ${param(search.maxApy)}::numeric`);
  if (search.text) {
    const pattern = param(likePattern(search.text));
    where.push(`(a.name ILIKE ${pattern} OR a.description ILIKE ${pattern})`);
  }
  // search.sort is one of ASSET_SORT_KEYS (validated), i.e. a camel-cased output column of `matched`.
  const column = SORT_COLUMNS[search.sort];
  const sorted = `m."${search.sort}"`;
  const direction = search.order === 'asc' ? 'ASC' : 'DESC';
  const nulls = column.nullable ? ' NULLS LAST' : '';
  let keyset = '';
  if (search.after) {
    const after = search.after;
    const beyond = search.order === 'asc' ? '>' : '<';
    const id = `${param(after.id)}::uuid`;
    // NULLs come last: after a NULL only NULLs with a later id; after a value, later values and every NULL.
    keyset =
      after.value === null
        ? `WHERE ${sorted} IS NULL AND m.id ${beyond} ${id}`
        : `WHERE ((${sorted}, m.id) ${beyond} (${param(after.value)}::${column.type}, ${id})${column.nullable ? ` OR ${sorted} IS NULL` : ''})`;
  }
  const text = `WITH matched AS (SELECT ${ASSET_COLUMNS} FROM assets a${where.length ? ` WHERE ${where.join(' AND ')}` : ''})
    SELECT page.*, counted.total FROM (SELECT count(*)::int AS total FROM matched) counted
    LEFT JOIN LATERAL (
      SELECT m.*, ${column.cursorValue} AS "cursorValue" FROM matched m ${keyset}
      ORDER BY ${sorted} ${direction}${nulls}, m.id ${direction}
      LIMIT ${param(search.limit)}
    ) page ON true`;
  return { text, values };
}

/**
 * One asset (by uuid or legacy id) with how much investors have committed to it (pending + confirmed) and raised
 * (confirmed). Four statement texts in all (id or legacy id, drafts or not), each built once: a hot read's text is
 * looked up per request to find its prepared statement, and a constant string hashes once.
 */
export function assetByIdSql(ref: RecordRef, includeDrafts: boolean): SqlQuery {
  const match = recordRefMatch(ref, 'a');
  const texts = match.column === 'a.id' ? ASSET_BY_ID_SQL : ASSET_BY_LEGACY_ID_SQL;
  return { text: includeDrafts ? texts.withDrafts : texts.published, values: [match.value] };
}

function assetByColumnSql(column: string, includeDrafts: boolean): string {
  return `SELECT ${ASSET_COLUMNS}, a.legacy_id AS "legacyId",
        COALESCE(s.raised, 0)::numeric(24,6) AS "raisedAmount",
        COALESCE(s.committed, 0)::numeric(24,6) AS "committedAmount"
      FROM assets a
      LEFT JOIN LATERAL (
        SELECT sum(i.amount) FILTER (WHERE i.status = 'confirmed') AS raised,
               sum(i.amount) FILTER (WHERE i.status IN ('pending', 'confirmed')) AS committed
        FROM investments i WHERE i.asset_id = a.id AND i.status IN ('pending', 'confirmed')
      ) s ON true
      WHERE ${column} = $1${includeDrafts ? '' : ` AND a.status <> 'draft'`}`;
}
const ASSET_BY_ID_SQL = { withDrafts: assetByColumnSql('a.id', true), published: assetByColumnSql('a.id', false) };
const ASSET_BY_LEGACY_ID_SQL = { withDrafts: assetByColumnSql('a.legacy_id', true), published: assetByColumnSql('a.legacy_id', false) };

/** Whether confirmed-investment changes wait in the queue: if not, the rollup is current and the read needs no fold. */
export const ROLLUP_PENDING_SQL = `SELECT EXISTS (SELECT 1 FROM investment_rollup_queue) AS pending`;

/** Folds the queued changes into the rollup; run under ROLLUP_FOLD_LOCK in a REPEATABLE READ transaction. */
export const ROLLUP_FOLD_SQL = `SELECT fold_investment_rollup() AS folded`;

/** Session advisory lock key: one fold at a time (hashtext('pend:investment_rollup')). */
export const ROLLUP_FOLD_LOCK = 740_182_391;

/**
 * Per asset: raised (sum of confirmed), target, funded %, distinct investors, confirmed tickets,
 * average ticket; per category and for the platform the same totals, an investor counted once per
 * category and once on the platform. Reads the rollup (migration InvestmentRollup): a row per asset
 * and per category, never the investments themselves.
 */
export function assetAnalyticsSql(): SqlQuery {
  return {
    text: `WITH per_asset AS (
        SELECT a.id, a.name, a.category, a.status, a.currency, a.target_amount,
               COALESCE(r.raised, 0) AS raised, COALESCE(r.investors, 0) AS investors, COALESCE(r.tickets, 0) AS tickets
        FROM assets a LEFT JOIN investment_rollup_assets r ON r.asset_id = a.id
      ), rows AS (
        SELECT 'asset' AS kind, p.id::text AS id, p.name, p.category::text AS category, p.status::text AS status, p.currency,
               1::bigint AS assets, p.target_amount AS target, p.raised, p.investors::bigint AS investors, p.tickets::bigint AS tickets
        FROM per_asset p
        UNION ALL
        SELECT 'category', NULL, NULL, p.category::text, NULL, NULL,
               count(*), sum(p.target_amount), sum(p.raised), COALESCE(max(t.investors), 0), sum(p.tickets)
        FROM per_asset p LEFT JOIN investment_rollup_totals t ON t.scope = p.category::text
        GROUP BY p.category
        UNION ALL
        SELECT 'platform', NULL, NULL, NULL, NULL, NULL,
               count(*), COALESCE(sum(p.target_amount), 0), COALESCE(sum(p.raised), 0),
               COALESCE((SELECT t.investors FROM investment_rollup_totals t WHERE t.scope = 'platform'), 0), COALESCE(sum(p.tickets), 0)
        FROM per_asset p
      )
      SELECT kind, id, name, category, status, currency, assets::int AS assets,
             target::numeric(24,6)::text AS "targetAmount", raised::numeric(24,6)::text AS "raisedAmount",
             CASE WHEN target > 0 THEN round(raised * 100 / target, 2)::text ELSE NULL END AS "fundedPercent",
             investors::int AS investors, tickets::int AS investments,
             CASE WHEN tickets > 0 THEN round(raised / tickets, 6)::text ELSE NULL END AS "averageTicket"
      FROM rows
      ORDER BY kind, category NULLS FIRST, name, id`,
    values: [],
  };
}
