import { AssetCategory, AssetStatus } from '../../../assets/entities/asset.entity';
import { InvestmentStatus } from '../../../investments/entities/investment.entity';
import { Classification, PathSegment } from '../../reader/json-record-scanner';
import Decimal from 'decimal.js';
import { isJsonObject, JsonObject, JsonValue } from '../../reader/json-value';
import {
  normaliseAddress,
  normaliseHash,
  parseEnum,
  parseIp,
  parseMoney,
  parseSmallInt,
  parseText,
  parseTimestamp,
  parseUint,
  RecordRejected,
  requireObject,
} from '../../values/legacy-values';
import { buildUnit, ImportUnit, unit } from '../import-unit';
import { idText, jsonbText, jsonPath } from './common';

export const OPPORTUNITIES = 'admin-opportunities.json';

// The closed sets are the entities' enums: FORMAT.md and the schema name the same values.
const CATEGORIES = Object.values(AssetCategory);
const ASSET_STATUSES = Object.values(AssetStatus);
const INVESTMENT_STATUSES = Object.values(InvestmentStatus);

/** First pass: each opportunity's own fields, member by member (its investments are passed over). */
export function classifyOpportunityFields(path: PathSegment[]): Classification {
  if (path.length <= 2) return path.length === 0 || path[0] === 'opportunities' ? 'descend' : 'skip';
  if (path.length === 3) return path[2] === 'investments' ? 'skip' : 'record';
  return 'record';
}

/** Second pass: the investments, one at a time, however many an opportunity has. */
export function classifyInvestments(path: PathSegment[]): Classification {
  if (path.length <= 2) return path.length === 0 || path[0] === 'opportunities' ? 'descend' : 'skip';
  if (path.length === 3) return path[2] === 'investments' ? 'descend' : 'skip';
  return 'record';
}

/** An opportunity assembled from its members (investments left out: they are records of their own). */
export function mapOpportunity(index: number, fields: JsonObject): ImportUnit {
  const id = idText(fields.id);
  const location = jsonPath(['opportunities', index]);
  const target = unit({ table: 'assets', file: OPPORTUNITIES, location, legacyId: id, raw: null, rawValue: fields, key: id });
  return buildUnit(target, (u) => {
    if (id === null) throw new RecordRejected('opportunity has no id');
    const minInvestment = parseMoney(fields.minInvestment, 'minInvestment') ?? '0';
    const maxInvestment = parseMoney(fields.maxInvestment, 'maxInvestment');
    if (maxInvestment !== null && new Decimal(maxInvestment).lt(minInvestment)) {
      throw new RecordRejected('maxInvestment is below minInvestment');
    }
    const opensAt = parseTimestamp(fields.opensAt, 'opensAt');
    const closesAt = parseTimestamp(fields.closesAt, 'closesAt');
    if (opensAt && closesAt && Date.parse(closesAt) < Date.parse(opensAt)) throw new RecordRejected('closesAt is before opensAt');
    const apy = parseMoney(fields.expectedApy, 'expectedApy');
    if (apy !== null && (apy.replace(/^\d+\.?/, '').length > 4 || new Decimal(apy).gte(1000))) {
      throw new RecordRejected('expectedApy does not fit numeric(7,4)');
    }
    const documents = fields.documents;
    if (documents !== undefined && documents !== null && !Array.isArray(documents)) throw new RecordRejected('documents is not an array');
    u.row = {
      legacy_id: id,
      name: parseText(fields.name, 'name', { required: true, max: 200 }),
      category: parseEnum(fields.category, 'category', CATEGORIES),
      status: parseEnum(fields.status, 'status', ASSET_STATUSES, AssetStatus.Draft),
      currency: parseText(fields.currency, 'currency', { max: 10 }) ?? 'USDC',
      target_amount: parseMoney(fields.targetAmount, 'targetAmount', { required: true }),
      min_investment: minInvestment,
      max_investment: maxInvestment,
      token_symbol: parseText(fields.tokenSymbol, 'tokenSymbol', { max: 16 }),
      token_price: parseMoney(fields.tokenPrice, 'tokenPrice'),
      chain_id: parseSmallInt(fields.chainId, 'chainId')?.toString() ?? null,
      contract_address: normaliseAddress(fields.contractAddress, 'contractAddress'),
      expected_apy: apy,
      opens_at: opensAt,
      closes_at: closesAt,
      description: parseText(fields.description, 'description'),
      documents: jsonbText(documents),
      created_by: parseText(fields.createdBy, 'createdBy', { max: 254 }),
      created_at: parseTimestamp(fields.createdAt, 'createdAt'),
    };
  });
}

/** One investment of the opportunity at `opportunityIndex`; `assetId` is that opportunity's legacy id when it was imported. */
export function mapInvestment(path: PathSegment[], raw: string, value: JsonValue, assetId: string | null): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const id = idText(record?.id);
  const location = jsonPath(path);
  const target = unit({ table: 'investments', file: OPPORTUNITIES, location, legacyId: id, raw, key: id });
  const agreement = record?.agreement;
  const agreementUnit = isJsonObject(agreement)
    ? unit({
        table: 'investment_agreements',
        file: OPPORTUNITIES,
        location: `${location}.agreement`,
        legacyId: id,
        raw: null,
        rawValue: agreement,
        key: id,
      })
    : null;
  if (agreementUnit) target.children.push(agreementUnit);
  return buildUnit(target, (u) => {
    const investment = requireObject(value, 'investment');
    if (id === null) throw new RecordRejected('investment has no id');
    if (assetId === null) throw new RecordRejected('investment of an opportunity that was quarantined or has no id');
    const userId = parseText(investment.userId, 'userId', { required: true }) as string;
    u.references.push({ table: 'users', legacyId: userId, reason: `investment for unknown user '${userId}'` });
    if (agreement !== undefined && agreement !== null && !agreementUnit) throw new RecordRejected('agreement is not an object');
    if (agreementUnit && agreement && isJsonObject(agreement)) {
      // A bad agreement quarantines the investment it belongs to.
      agreementUnit.row = {
        legacy_id: id,
        version: parseText(agreement.version, 'agreement.version', { required: true, max: 32 }),
        accepted_at: requiredTimestamp(agreement.acceptedAt, 'agreement.acceptedAt'),
        ip_address: parseIp(agreement.ipAddress, 'agreement.ipAddress'),
        signature: parseText(agreement.signature, 'agreement.signature'),
      };
    }
    u.row = {
      legacy_id: id,
      user_legacy_id: userId,
      asset_legacy_id: assetId,
      amount: parseMoney(investment.amount, 'amount', { required: true }),
      tokens: parseUint(investment.tokens, 'tokens'),
      status: parseEnum(investment.status, 'status', INVESTMENT_STATUSES, InvestmentStatus.Pending),
      tx_hash: normaliseHash(investment.txHash, 'txHash'),
      created_at: parseTimestamp(investment.createdAt, 'createdAt'),
    };
  });
}

function requiredTimestamp(value: JsonValue | undefined, field: string): string {
  const parsed = parseTimestamp(value, field);
  if (parsed === null) throw new RecordRejected(`${field} is missing`);
  return parsed;
}
