import { AdminRole } from '../../../admin/entities/admin-user.entity';
import { KycStatus } from '../../../kyc/entities/kyc-application.entity';
import { KycDocumentStatus, KycDocumentType } from '../../../kyc/entities/kyc-document.entity';
import { Classification, PathSegment } from '../../reader/json-record-scanner';
import { isJsonObject, JsonValue, stringifyJson } from '../../reader/json-value';
import {
  parseBoolean,
  parseEnum,
  parseMoney,
  parseSha256,
  parseSmallInt,
  parseText,
  parseTimestamp,
  parseUint,
  RecordRejected,
  requireObject,
} from '../../values/legacy-values';
import { buildUnit, ImportUnit, unit } from '../import-unit';
import { idText, jsonPath } from './common';

export const METADATA = 'metadata.json';

// The closed sets are the entities' enums: FORMAT.md and the schema name the same values.
const ADMIN_ROLES = Object.values(AdminRole);
const KYC_STATUSES = Object.values(KycStatus);
const DOCUMENT_TYPES = Object.values(KycDocumentType);
const DOCUMENT_STATUSES = Object.values(KycDocumentStatus);
const PERMISSION = /^(\*|[a-z_]+:([a-z_]+|\*))$/;

/** First pass: tiers, admins and scanner state (KYC needs the users, imported later). */
export function classifyMetadataSettings(path: PathSegment[]): Classification {
  if (path.length === 0) return 'descend';
  if (path.length === 1) return path[0] === 'tiers' || path[0] === 'admins' ? 'descend' : path[0] === 'scanner' ? 'record' : 'skip';
  return 'record';
}

/** Second pass: the KYC applications, one user at a time. */
export function classifyMetadataKyc(path: PathSegment[]): Classification {
  if (path.length === 0) return 'descend';
  if (path.length === 1) return path[0] === 'kyc' ? 'descend' : 'skip';
  return 'record';
}

export function mapMetadataValue(path: PathSegment[], raw: string, value: JsonValue): ImportUnit[] {
  const [section, key] = path;
  if (section === 'tiers' && typeof key === 'number') return [mapTier(key, raw, value)];
  if (section === 'admins' && typeof key === 'number') return [mapAdmin(key, raw, value)];
  if (section === 'scanner' && path.length === 1) return mapScanner(value);
  if (section === 'kyc' && path.length === 2) return [mapKyc(String(key), raw, value)];
  return [];
}

function mapTier(index: number, raw: string, value: JsonValue): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const name = idText(record?.name);
  const target = unit({ table: 'user_tiers', file: METADATA, location: jsonPath(['tiers', index]), legacyId: name, raw, key: name });
  return buildUnit(target, (u) => {
    const tier = requireObject(value, 'tier');
    if (name === null) throw new RecordRejected('tier has no name');
    const benefits = tier.benefits ?? [];
    if (!Array.isArray(benefits) || benefits.some((b) => typeof b !== 'string'))
      throw new RecordRejected('benefits is not an array of text');
    u.row = {
      legacy_id: name,
      name: parseText(name, 'name', { max: 32 }),
      min_total_invested: parseMoney(tier.minTotalInvested, 'minTotalInvested') ?? '0',
      max_single_investment: parseMoney(tier.maxSingleInvestment, 'maxSingleInvestment'),
      benefits: stringifyJson(benefits),
      rank: String(index + 1),
    };
  });
}

function mapAdmin(index: number, raw: string, value: JsonValue): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const email = typeof record?.email === 'string' ? record.email.trim().toLowerCase() : null;
  const location = jsonPath(['admins', index]);
  const target = unit({ table: 'admin_users', file: METADATA, location, legacyId: email, raw, key: email });
  const permissions = record?.permissions;
  if (email && Array.isArray(permissions)) {
    permissions.forEach((permission, i) => {
      const legacyId = `${email}:${typeof permission === 'string' ? permission : i}`;
      const child = unit({
        table: 'admin_permissions',
        file: METADATA,
        location: `${location}.permissions[${i}]`,
        legacyId,
        raw: null,
        rawValue: permission,
        key: legacyId,
      });
      target.children.push(
        buildUnit(child, (c) => {
          if (typeof permission !== 'string' || !PERMISSION.test(permission))
            throw new RecordRejected('permission is not resource:action or *');
          c.row = { legacy_id: legacyId, admin_email: email, permission };
        }),
      );
    });
  }
  return buildUnit(target, (u) => {
    const admin = requireObject(value, 'admin');
    if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new RecordRejected('admin email is missing or invalid');
    if (permissions !== undefined && permissions !== null && !Array.isArray(permissions))
      throw new RecordRejected('permissions is not an array');
    const active = parseBoolean(admin.active, 'active');
    u.row = {
      legacy_id: email,
      email,
      name: parseText(admin.name, 'name', { max: 200 }),
      role: parseEnum(admin.role, 'role', ADMIN_ROLES),
      // bcrypt, kept verbatim so the admin can still log in.
      password_hash: parseText(admin.passwordHash, 'passwordHash', { max: 255 }),
      active: String(active ?? true),
      created_at: parseTimestamp(admin.createdAt, 'createdAt'),
    };
  });
}

function mapScanner(value: JsonValue): ImportUnit[] {
  const lastBlock = isJsonObject(value) ? value.lastBlock : undefined;
  if (!isJsonObject(lastBlock)) return [];
  return Object.keys(lastBlock).map((chain) => {
    const block = lastBlock[chain];
    const target = unit({
      table: 'scanner_checkpoints',
      file: METADATA,
      location: `scanner.lastBlock.${chain}`,
      legacyId: chain,
      raw: null,
      rawValue: block,
      key: chain,
    });
    return buildUnit(target, (u) => {
      u.row = {
        chain_id: String(parseSmallInt(chain, 'chain id', { required: true })),
        last_block: parseUint(block, 'lastBlock', { required: true, maxDigits: 18 }),
      };
    });
  });
}

function mapKyc(userId: string, raw: string, value: JsonValue): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const applicationId = idText(record?.applicationId);
  const location = jsonPath(['kyc', userId]);
  const target = unit({ table: 'kyc_applications', file: METADATA, location, legacyId: applicationId, raw, key: applicationId });
  const documents = record?.documents;
  if (Array.isArray(documents)) {
    documents.forEach((document, i) => target.children.push(mapKycDocument(applicationId, `${location}.documents[${i}]`, document)));
  }
  return buildUnit(target, (u) => {
    const application = requireObject(value, 'KYC application');
    if (applicationId === null) throw new RecordRejected('KYC application has no applicationId');
    if (documents !== undefined && documents !== null && !Array.isArray(documents)) throw new RecordRejected('documents is not an array');
    u.references.push({ table: 'users', legacyId: userId, reason: `KYC application for unknown user '${userId}'` });
    const level = parseSmallInt(application.level, 'level') ?? 1;
    if (level < 1 || level > 3) throw new RecordRejected('level is not 1, 2 or 3');
    u.row = {
      legacy_id: applicationId,
      user_legacy_id: userId,
      status: parseEnum(application.status, 'status', KYC_STATUSES, KycStatus.Pending),
      level: String(level),
      submitted_at: parseTimestamp(application.submittedAt, 'submittedAt'),
      reviewed_at: parseTimestamp(application.reviewedAt, 'reviewedAt'),
      reviewed_by: parseText(application.reviewedBy, 'reviewedBy', { max: 254 }),
      rejection_reason: parseText(application.rejectionReason, 'rejectionReason'),
    };
  });
}

function mapKycDocument(applicationId: string | null, location: string, value: JsonValue): ImportUnit {
  const record = isJsonObject(value) ? value : null;
  const id = idText(record?.id);
  const target = unit({ table: 'kyc_documents', file: METADATA, location, legacyId: id, raw: null, rawValue: value, key: id });
  return buildUnit(target, (u) => {
    const document = requireObject(value, 'KYC document');
    if (id === null) throw new RecordRejected('KYC document has no id');
    u.row = {
      legacy_id: id,
      application_legacy_id: applicationId,
      type: parseEnum(document.type, 'type', DOCUMENT_TYPES),
      storage_key: parseText(document.storageKey, 'storageKey', { required: true, max: 512 }),
      sha256: parseSha256(document.sha256, 'sha256'),
      mime_type: parseText(document.mimeType, 'mimeType', { max: 100 }),
      uploaded_at: parseTimestamp(document.uploadedAt, 'uploadedAt'),
      status: parseEnum(document.status, 'status', DOCUMENT_STATUSES, KycDocumentStatus.Pending),
    };
  });
}
