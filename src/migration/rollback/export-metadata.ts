import * as path from 'node:path';
import { TextSink } from '../generator/json-sink';
import { ExportContext, FileSummary, mergeAtPositions, sideFileRest, writeQuarantinedElement, writeQuarantinedMember } from './context';
import { cursorBatches, iso, legacyKey, money, str } from './sql';

const FILE = 'metadata.json';
const KYC_LOCATION = '^kyc\\.[^.\\[]+$';
const DOCUMENT_PARENT = '^kyc\\.[^.\\[]+\\.documents$';
const HANDLED = `^tiers\\[[0-9]+\\]$|^admins\\[[0-9]+\\]$|${KYC_LOCATION}|^kyc\\.[^.\\[]+\\.documents\\[[0-9]+\\]$`;

interface KycRow {
  id: string;
  user_key: string;
  key: string;
  status: string;
  level: number;
  submitted: string | null;
  reviewed: string | null;
  reviewed_by: string | null;
  rejection_reason: string | null;
}

interface DocumentRow {
  application_id: string;
  key: string;
  type: string;
  storage_key: string;
  sha256: string;
  mime_type: string | null;
  uploaded: string | null;
  status: string;
}

async function writeTiers(context: ExportContext, sink: TextSink, summary: FileSummary): Promise<void> {
  const tiers: Array<{ name: string; min: string; max: string | null; benefits: string[] }> = await context.runner.query(
    `SELECT name, min_total_invested::text AS min, max_single_investment::text AS max, benefits FROM user_tiers ORDER BY rank, id`,
  );
  const exported = tiers.map(
    (tier) =>
      `{"name":${str(tier.name)},"minTotalInvested":${money(tier.min)},"maxSingleInvestment":${money(tier.max)},"benefits":${JSON.stringify(tier.benefits)}}`,
  );
  const placed = await quarantinedAtPositions(context, 'tiers');
  const merged = await mergeAtPositions(context.quarantine, exported, placed, summary);
  await sink.write(`"tiers":[${merged.map((text) => `\n${text}`).join(',')}]`);
  summary.records.tiers = tiers.length;
}

/** Quarantined elements of a small top-level array (tiers, admins), with their positions. */
async function quarantinedAtPositions(context: ExportContext, array: string) {
  const placed = [];
  for await (const record of context.quarantine.records(FILE, `^${array}\\[[0-9]+\\]$`)) {
    placed.push({ ...record, parent: array, position: Number(/\[([0-9]+)\]$/.exec(record.location)![1]) });
  }
  return placed.sort((a, b) => a.position - b.position);
}

async function writeAdmins(context: ExportContext, sink: TextSink, summary: FileSummary): Promise<void> {
  await sink.write(',\n"admins":[');
  let first = true;
  const sql = `SELECT a.email, a.name, a.role::text AS role, a.password_hash, a.active, ${iso('a.created_at')} AS created,
      COALESCE((SELECT json_agg(p.permission ORDER BY p.permission) FROM admin_permissions p WHERE p.admin_user_id = a.id), '[]')::text AS permissions
    FROM admin_users a ORDER BY a.legacy_id NULLS LAST, a.id`;
  summary.records.admins = 0;
  for await (const admins of cursorBatches<{
    email: string;
    name: string | null;
    role: string;
    password_hash: string | null;
    active: boolean;
    created: string;
    permissions: string;
  }>(context.runner, sql, context.batchSize)) {
    let text = '';
    for (const admin of admins) {
      text += `${first ? '' : ','}\n{"email":${str(admin.email)},"name":${str(admin.name)},"role":"${admin.role}","permissions":${admin.permissions},"passwordHash":${str(admin.password_hash)},"active":${admin.active},"createdAt":${str(admin.created)}}`;
      first = false;
    }
    summary.records.admins += admins.length;
    await sink.write(text);
  }
  const taken = `EXISTS (SELECT 1 FROM admin_users a WHERE a.legacy_id = q.legacy_id)`;
  for await (const record of context.quarantine.records(FILE, '^admins\\[[0-9]+\\]$', taken)) {
    if (await writeQuarantinedElement(sink, context.quarantine, record, first, summary)) first = false;
  }
  await sink.write(']');
}

function documentText(row: DocumentRow): string {
  return `{"id":${str(row.key)},"type":"${row.type}","storageKey":${str(row.storage_key)},"sha256":"${row.sha256}","mimeType":${str(row.mime_type)},"uploadedAt":${str(row.uploaded)},"status":"${row.status}"}`;
}

/**
 * `kyc`, keyed by user id. The database can hold several applications of one user (the new
 * platform allows a new one after a rejection): each is written under the user's key, oldest
 * first, so a streaming import reads them all and the old server (last key wins) sees the latest.
 */
async function writeKyc(context: ExportContext, sink: TextSink, summary: FileSummary): Promise<void> {
  const { runner, quarantine } = context;
  await quarantine.stageNested('rollback_q_documents', FILE, DOCUMENT_PARENT);
  await sink.write(',\n"kyc":{');
  let first = true;
  summary.records.kycApplications = 0;
  summary.records.kycDocuments = 0;
  const sql = `SELECT k.id, ${legacyKey('usr_', 'u.legacy_id', 'u.id')} AS user_key, ${legacyKey('kyc_', 'k.legacy_id', 'k.id')} AS key,
      k.status::text AS status, k.level, ${iso('k.submitted_at')} AS submitted, ${iso('k.reviewed_at')} AS reviewed,
      k.reviewed_by, k.rejection_reason
    FROM kyc_applications k JOIN users u ON u.id = k.user_id ORDER BY k.user_id, k.submitted_at, k.id`;
  for await (const applications of cursorBatches<KycRow>(runner, sql, context.batchSize)) {
    const documents: DocumentRow[] = await runner.query(
      `SELECT application_id, ${legacyKey('doc_', 'legacy_id', 'id')} AS key, type::text AS type, storage_key, sha256, mime_type,
         ${iso('uploaded_at')} AS uploaded, status::text AS status
       FROM kyc_documents WHERE application_id = ANY($1::uuid[]) ORDER BY application_id, uploaded_at, id`,
      [applications.map((application) => application.id)],
    );
    const byApplication = new Map<string, string[]>();
    for (const document of documents) {
      const list = byApplication.get(document.application_id) ?? [];
      list.push(documentText(document));
      byApplication.set(document.application_id, list);
    }
    const placed = await quarantine.nestedOf(
      'rollback_q_documents',
      applications.map((application) => `kyc.${application.user_key}.documents`),
    );
    let text = '';
    for (const application of applications) {
      const parent = `kyc.${application.user_key}.documents`;
      const merged = await mergeAtPositions(quarantine, byApplication.get(application.id) ?? [], placed.get(parent), summary);
      // Quarantined documents go into the user's first application only.
      placed.delete(parent);
      text += `${first ? '' : ','}\n${JSON.stringify(application.user_key)}:{"applicationId":${str(application.key)},"status":"${application.status}","level":${application.level},"submittedAt":${str(application.submitted)},"reviewedAt":${str(application.reviewed)},"reviewedBy":${str(application.reviewed_by)},"rejectionReason":${str(application.rejection_reason)},"documents":[${merged.join(',')}]}`;
      first = false;
    }
    summary.records.kycApplications += applications.length;
    summary.records.kycDocuments += documents.length;
    await sink.write(text);
  }
  const taken = `EXISTS (SELECT 1 FROM kyc_applications k WHERE k.legacy_id = q.legacy_id)`;
  for await (const record of quarantine.records(FILE, KYC_LOCATION, taken)) {
    if (await writeQuarantinedMember(sink, quarantine, record, record.location.slice('kyc.'.length), first, summary)) first = false;
  }
  await sink.write('\n}');
  for await (const orphan of quarantine.orphansOf(
    'rollback_q_documents',
    `EXISTS (SELECT 1 FROM kyc_applications k JOIN users u ON u.id = k.user_id WHERE u.legacy_id = substring(s.parent FROM '^kyc\\.(.*)\\.documents$'))`,
  )) {
    await quarantine.sideFile(orphan, 'its KYC application is not in the database');
    summary.sideFiled++;
  }
}

/** metadata.json: tiers (by rank), admins with their own grants and bcrypt hashes, KYC, scanner state. */
export async function exportMetadata(context: ExportContext): Promise<FileSummary> {
  const summary: FileSummary = { file: FILE, records: {}, reEmitted: 0, sideFiled: 0 };
  const sink = new TextSink(path.join(context.out, FILE));
  await sink.write('{\n');
  await writeTiers(context, sink, summary);
  await writeAdmins(context, sink, summary);
  await writeKyc(context, sink, summary);
  const checkpoints: Array<{ chain_id: number; last_block: string }> = await context.runner.query(
    `SELECT chain_id, last_block::text AS last_block FROM scanner_checkpoints ORDER BY chain_id`,
  );
  await sink.write(`,\n"scanner":{"lastBlock":{${checkpoints.map((c) => `"${c.chain_id}":${c.last_block}`).join(',')}}}\n}\n`);
  await sink.close();
  await sideFileRest(context.quarantine, '^metadata\\.json$', HANDLED, summary);
  return summary;
}
