import { Classification, PathSegment } from '../../reader/json-record-scanner';
import { isJsonObject, JsonValue } from '../../reader/json-value';
import { parseText, parseTimestamp, RecordRejected, requireObject } from '../../values/legacy-values';
import { buildUnit, ImportUnit, unit } from '../import-unit';
import { idText, jsonbText, jsonPath } from './common';

export const ADMIN_LOGS = 'admin-logs.json';

/** A top-level array of entries, or the oldest form `{logs: [...]}`. */
export function classifyAdminLogs(path: PathSegment[]): Classification {
  if (path.length === 0) return 'descend';
  if (path.length === 1) return typeof path[0] === 'number' ? 'record' : path[0] === 'logs' ? 'descend' : 'skip';
  return path[0] === 'logs' && path.length === 2 ? 'record' : 'skip';
}

/** An audit entry, stored as written: the admin's email verbatim even when that admin is gone. */
export function mapAdminLog(path: PathSegment[], raw: string, value: JsonValue): ImportUnit {
  const position = path[path.length - 1] as number;
  const record = isJsonObject(value) ? value : null;
  const legacyId = idText(record?.id) ?? `#${position}`;
  const target = unit({ table: 'admin_logs', file: ADMIN_LOGS, location: jsonPath(path), legacyId, raw, key: legacyId });
  return buildUnit(target, (u) => {
    const entry = requireObject(value, 'admin log entry');
    const timestamp = parseTimestamp(entry.timestamp, 'timestamp');
    if (timestamp === null) throw new RecordRejected('timestamp is missing');
    const details = entry.details !== undefined ? entry.details : entry.data;
    u.row = {
      legacy_id: legacyId,
      admin_email: parseText(entry.admin, 'admin', { max: 254 }),
      action: parseText(entry.action, 'action', { required: true, max: 100 }),
      target_type: parseText(entry.targetType, 'targetType', { max: 50 }),
      target_id: parseText(entry.targetId, 'targetId', { max: 128 }),
      details: jsonbText(details),
      ip: parseText(entry.ip, 'ip', { max: 64 }),
      timestamp,
    };
  });
}
