import { ContractCallStatus } from '../../../blockchain/entities/contract-interaction.entity';
import { Classification, PathSegment } from '../../reader/json-record-scanner';
import { isJsonObject, JsonValue } from '../../reader/json-value';
import {
  decimalTextOrNull,
  normaliseAddress,
  normaliseHash,
  parseEnum,
  parseSmallInt,
  parseText,
  parseTimestamp,
  parseUint,
  RecordRejected,
  requireObject,
} from '../../values/legacy-values';
import { buildUnit, ImportUnit, unit } from '../import-unit';
import { jsonbText, jsonPath } from './common';

export const EXPLORER_DIR = 'explorer-data';

// The closed sets are the entities' enums: FORMAT.md and the schema name the same values.
const CALL_STATUSES = Object.values(ContractCallStatus);

/** The scan's contract, read before its events (the keys may come in any order). */
export interface ExplorerHeader {
  chainId: string | null;
  contractAddress: string | null;
  contractName: string | null;
  /** Why the events cannot be imported, when the header is unusable. */
  problem: string | null;
}

export function classifyExplorerHeader(path: PathSegment[]): Classification {
  if (path.length === 0) return 'descend';
  return path.length === 1 && path[0] !== 'events' && path[0] !== 'calls' ? 'record' : 'skip';
}

export function classifyExplorerRecords(path: PathSegment[]): Classification {
  if (path.length === 0) return 'descend';
  if (path.length === 1) return path[0] === 'events' || path[0] === 'calls' ? 'descend' : 'skip';
  return 'record';
}

export function buildExplorerHeader(fields: Record<string, JsonValue>): ExplorerHeader {
  const header: ExplorerHeader = { chainId: null, contractAddress: null, contractName: null, problem: null };
  try {
    header.chainId = String(parseSmallInt(fields.chainId, 'chainId', { required: true }));
    header.contractAddress = normaliseAddress(fields.contractAddress, 'contractAddress', { required: true });
    header.contractName = parseText(fields.contractName, 'contractName', { max: 100 });
  } catch (error) {
    if (!(error instanceof RecordRejected)) throw error;
    header.problem = `scan file header: ${error.reason}`;
  }
  return header;
}

export function mapExplorerValue(
  file: string,
  path: PathSegment[],
  raw: string,
  value: JsonValue,
  header: ExplorerHeader,
): ImportUnit | null {
  if (path.length !== 2) return null;
  return path[0] === 'events' ? mapEvent(file, path, raw, value, header) : mapCall(file, path, raw, value, header);
}

function mapEvent(file: string, path: PathSegment[], raw: string, value: JsonValue, header: ExplorerHeader): ImportUnit {
  const target = unit({ table: 'blockchain_events', file, location: jsonPath(path), legacyId: null, raw });
  return buildUnit(target, (u) => {
    if (header.problem) throw new RecordRejected(header.problem);
    const event = requireObject(value, 'event');
    const txHash = normaliseHash(event.transactionHash, 'transactionHash', { required: true }) as string;
    const logIndex = String(parseSmallInt(event.logIndex, 'logIndex', { required: true }));
    const legacyId = `${header.chainId}:${txHash}:${logIndex}`;
    u.legacyId = legacyId;
    u.key = legacyId;
    const args = event.args ?? {};
    if (!isJsonObject(args) && !Array.isArray(args)) throw new RecordRejected('args is not an object');
    u.row = {
      legacy_id: legacyId,
      chain_id: header.chainId,
      contract_address: header.contractAddress,
      contract_name: header.contractName,
      block_number: parseUint(event.blockNumber, 'blockNumber', { required: true, maxDigits: 18 }),
      block_hash: normaliseHash(event.blockHash, 'blockHash'),
      transaction_hash: txHash,
      log_index: logIndex,
      event_type: parseText(event.event, 'event', { required: true, max: 100 }),
      args: jsonbText(args),
      value: isJsonObject(args) ? decimalTextOrNull(args.value) : null,
      timestamp: parseTimestamp(event.timestamp, 'timestamp', 's'),
    };
  });
}

function mapCall(file: string, path: PathSegment[], raw: string, value: JsonValue, header: ExplorerHeader): ImportUnit {
  const target = unit({ table: 'contract_interactions', file, location: jsonPath(path), legacyId: null, raw });
  return buildUnit(target, (u) => {
    if (header.problem) throw new RecordRejected(header.problem);
    const call = requireObject(value, 'call');
    const txHash = normaliseHash(call.transactionHash, 'transactionHash', { required: true }) as string;
    const method = parseText(call.method, 'method', { required: true, max: 200 }) as string;
    const legacyId = `${header.chainId}:${txHash}:${method}`;
    u.legacyId = legacyId;
    u.key = legacyId;
    const args = call.args ?? [];
    if (!Array.isArray(args)) throw new RecordRejected('args is not an array');
    u.row = {
      legacy_id: legacyId,
      chain_id: header.chainId,
      contract_address: header.contractAddress,
      transaction_hash: txHash,
      block_number: parseUint(call.blockNumber, 'blockNumber', { required: true, maxDigits: 18 }),
      from_address: normaliseAddress(call.from, 'from'),
      method,
      args: jsonbText(args),
      value: parseUint(call.value, 'value') ?? '0',
      gas_used: parseUint(call.gasUsed, 'gasUsed'),
      status: parseEnum(call.status, 'status', CALL_STATUSES),
      timestamp: parseTimestamp(call.timestamp, 'timestamp', 's'),
    };
  });
}
