import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { fieldInvalid } from './validation.pipe';

/**
 * What a detail route's `:id` names: the record's uuid, or its id in the legacy JSON store
 * (`usr_…`, `opp_…`, `inv_…`; a user of a schema-1 store has its 64-hex phone hash), which
 * client apps written for the old server still hold.
 */
export type RecordRef = { uuid: string } | { legacyId: string };

/** The legacy store's ids: the kind's prefix, then URL-safe characters (column legacy_id is varchar(128)). */
const LEGACY_ID_BODY = /^[A-Za-z0-9._~-]{1,124}$/;
const PHONE_HASH = /^[0-9a-f]{64}$/;

/**
 * `:id` as a uuid or a legacy id of one kind: anything else is 400 naming the parameter. Only the
 * user, asset and investment detail routes take it; every other route keeps ParseIdPipe (uuid only).
 */
@Injectable()
export class ParseRecordRefPipe implements PipeTransform<string, RecordRef> {
  constructor(
    private readonly prefix: 'usr' | 'opp' | 'inv',
    private readonly phoneHashIds = false,
  ) {}

  transform(value: string, metadata: ArgumentMetadata): RecordRef {
    if (isUUID(value)) return { uuid: value.toLowerCase() };
    const start = `${this.prefix}_`;
    if (value.startsWith(start) && LEGACY_ID_BODY.test(value.slice(start.length))) return { legacyId: value };
    if (this.phoneHashIds && PHONE_HASH.test(value)) return { legacyId: value };
    const forms = this.phoneHashIds ? `${start}…, or a 64-hex phone hash` : `${start}…`;
    throw fieldInvalid(metadata.data ?? 'id', `must be a UUID or a legacy id (${forms})`);
  }
}

/** The column and value a query matches for a reference: `<alias>.id` or `<alias>.legacy_id`. */
export function recordRefMatch(ref: RecordRef, alias: string): { column: string; value: string } {
  return 'uuid' in ref ? { column: `${alias}.id`, value: ref.uuid } : { column: `${alias}.legacy_id`, value: ref.legacyId };
}
