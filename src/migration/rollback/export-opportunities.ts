import * as path from 'node:path';
import { TextSink } from '../generator/json-sink';
import { ExportContext, FileSummary, sideFileRest, writeQuarantinedElement } from './context';
import { embeddable } from './quarantine';
import { cursorBatches, iso, legacyKey, money, raw, str } from './sql';

const FILE = 'admin-opportunities.json';
const OPPORTUNITY_LOCATION = '^opportunities\\[[0-9]+\\]$';
const INVESTMENT_LOCATION = '^opportunities\\[[0-9]+\\]\\.investments\\[[0-9]+\\]$';

/** Adds `"investments": [...]` to a quarantined opportunity's text when it has none. */
function embedInvestments(raw: string | null, investments: string[]): string | null {
  if (raw === null) return raw;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null || Array.isArray(value) || 'investments' in value) return raw;
  } catch {
    return raw;
  }
  const body = raw.trimEnd().slice(0, -1).trimEnd();
  return `${body}${body.endsWith('{') ? '' : ','}"investments":[${investments.join(',')}]}`;
}

interface AssetRow {
  id: string;
  key: string;
  name: string;
  category: string;
  status: string;
  currency: string;
  target_amount: string;
  min_investment: string;
  max_investment: string | null;
  token_symbol: string | null;
  token_price: string | null;
  chain_id: number | null;
  contract_address: string | null;
  expected_apy: string | null;
  opens: string | null;
  closes: string | null;
  description: string | null;
  documents: string | null;
  created_by: string | null;
  created: string | null;
}

interface InvestmentRow {
  key: string;
  user_key: string;
  amount: string;
  tokens: string | null;
  status: string;
  tx_hash: string | null;
  created: string | null;
  has_agreement: boolean;
  version: string | null;
  accepted: string | null;
  ip: string | null;
  signature: string | null;
}

function assetHead(asset: AssetRow): string {
  let text = `{"id":${str(asset.key)},"name":${str(asset.name)},"category":"${asset.category}","status":"${asset.status}","currency":${str(asset.currency)}`;
  text += `,"targetAmount":${money(asset.target_amount)},"minInvestment":${money(asset.min_investment)},"maxInvestment":${money(asset.max_investment)}`;
  text += `,"tokenSymbol":${str(asset.token_symbol)},"tokenPrice":${money(asset.token_price)},"chainId":${asset.chain_id ?? 'null'},"contractAddress":${str(asset.contract_address)}`;
  // expected_apy numeric(7,4) as its exact text: a JSON number, as the old files wrote it.
  text += `,"expectedApy":${raw(asset.expected_apy)},"opensAt":${str(asset.opens)},"closesAt":${str(asset.closes)}`;
  text += `,"description":${str(asset.description)},"documents":${raw(asset.documents)},"createdBy":${str(asset.created_by)},"createdAt":${str(asset.created)}`;
  return text;
}

function investmentText(row: InvestmentRow): string {
  const agreement = row.has_agreement
    ? `{"version":${str(row.version)},"acceptedAt":${str(row.accepted)},"ipAddress":${str(row.ip)},"signature":${str(row.signature)}}`
    : 'null';
  return `{"id":${str(row.key)},"userId":${str(row.user_key)},"amount":${money(row.amount)},"tokens":${str(row.tokens)},"status":"${row.status}","txHash":${str(row.tx_hash)},"createdAt":${str(row.created)},"agreement":${agreement}}`;
}

/**
 * admin-opportunities.json: every asset with its investments (and their agreements), read with
 * a cursor per asset. Quarantined opportunities follow the imported ones; a quarantined
 * investment is located by its opportunity's position in the original file, which the database
 * does not keep, so it goes to the side file.
 */
export async function exportOpportunities(context: ExportContext): Promise<FileSummary> {
  const { runner, quarantine } = context;
  const summary: FileSummary = { file: FILE, records: { opportunities: 0, investments: 0, agreements: 0 }, reEmitted: 0, sideFiled: 0 };
  await quarantine.stageNested('rollback_q_investments', FILE, '^opportunities\\[[0-9]+\\]\\.investments$');
  const sink = new TextSink(path.join(context.out, FILE));
  await sink.write('{"opportunities":[');
  let first = true;
  const assetsSql = `SELECT id, ${legacyKey('opp_', 'legacy_id', 'id')} AS key, name, category::text AS category, status::text AS status,
      currency, target_amount::text AS target_amount, min_investment::text AS min_investment, max_investment::text AS max_investment,
      token_symbol, token_price::text AS token_price, chain_id, contract_address, expected_apy::text AS expected_apy,
      ${iso('opens_at')} AS opens, ${iso('closes_at')} AS closes, description, documents::text AS documents, created_by,
      ${iso('created_at')} AS created
    FROM assets ORDER BY legacy_id NULLS LAST, id`;
  for await (const assets of cursorBatches<AssetRow>(runner, assetsSql, 100)) {
    for (const asset of assets) {
      await sink.write(`${first ? '' : ','}\n${assetHead(asset)},"investments":[`);
      first = false;
      const investmentsSql = `SELECT ${legacyKey('inv_', 'i.legacy_id', 'i.id')} AS key, ${legacyKey('usr_', 'u.legacy_id', 'u.id')} AS user_key,
          i.amount::text AS amount, i.tokens::text AS tokens, i.status::text AS status, i.tx_hash, ${iso('i.created_at')} AS created,
          g.id IS NOT NULL AS has_agreement, g.version, ${iso('g.accepted_at')} AS accepted, CASE WHEN masklen(g.ip_address) = CASE family(g.ip_address) WHEN 4 THEN 32 ELSE 128 END
          THEN host(g.ip_address) ELSE g.ip_address::text END AS ip, g.signature
        FROM investments i JOIN users u ON u.id = i.user_id LEFT JOIN investment_agreements g ON g.investment_id = i.id
        WHERE i.asset_id = '${asset.id}' ORDER BY i.created_at, i.id`;
      let firstInvestment = true;
      for await (const investments of cursorBatches<InvestmentRow>(runner, investmentsSql, context.batchSize)) {
        let text = '';
        for (const row of investments) {
          text += `${firstInvestment ? '' : ','}\n${investmentText(row)}`;
          firstInvestment = false;
          if (row.has_agreement) summary.records.agreements++;
        }
        summary.records.investments += investments.length;
        await sink.write(text);
      }
      await sink.write(']}');
      summary.records.opportunities++;
    }
  }
  // A quarantined opportunity is kept without its investments (each is a record of its own, at
  // `opportunities[i].investments[j]`): put them back inside it.
  const taken = `EXISTS (SELECT 1 FROM assets a WHERE a.legacy_id = q.legacy_id)`;
  const consumed = new Set<string>();
  for await (const record of quarantine.records(FILE, OPPORTUNITY_LOCATION, taken)) {
    const parent = `${record.location}.investments`;
    const investments = (await quarantine.nestedOf('rollback_q_investments', [parent])).get(parent) ?? [];
    const withInvestments = {
      ...record,
      raw: embedInvestments(
        record.raw,
        investments.filter(embeddable).map((i) => i.raw!),
      ),
    };
    if (await writeQuarantinedElement(sink, quarantine, withInvestments, first, summary)) {
      first = false;
      consumed.add(parent);
      summary.reEmitted += investments.filter(embeddable).length;
    }
  }
  await sink.write('\n]}\n');
  await sink.close();
  for await (const investment of quarantine.orphansOf('rollback_q_investments', 'false')) {
    if (consumed.has(investment.parent) && embeddable(investment)) continue;
    await quarantine.sideFile(
      investment,
      consumed.has(investment.parent)
        ? 'not a JSON value'
        : "its opportunity was imported, and the database does not keep the opportunity's position in the original file",
    );
    summary.sideFiled++;
  }
  await sideFileRest(quarantine, '^admin-opportunities\\.json$', `${OPPORTUNITY_LOCATION}|${INVESTMENT_LOCATION}`, summary);
  return summary;
}
