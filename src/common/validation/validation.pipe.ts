import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { findNulCharacter, NUL_PROBLEM } from './text.validator';

function flatten(errors: ValidationError[], fields: Set<string>, prefix = ''): string[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      // class-validator names the leaf property; name the full path instead.
      text.startsWith(error.property) ? `${field}${text.slice(error.property.length)}` : `${field}: ${text}`,
    );
    if (own.length > 0) fields.add(field);
    return [...own, ...flatten(error.children ?? [], fields, field)];
  });
}

/**
 * The 400 for input that breaks a field's rule: `code: validation_failed`, `message` one line per
 * problem (each starting with the field's path), `details.fields` the paths themselves.
 */
export function validationFailed(messages: string[], fields: string[]): BadRequestException {
  return new BadRequestException({ message: messages, code: 'validation_failed', details: { fields } });
}

/** One field's problem: `validationFailed([`${field} ${problem}`], [field])`. */
export function fieldInvalid(field: string, problem: string): BadRequestException {
  return validationFailed([`${field} ${problem}`], [field]);
}

/** The same DTO class and fields: a handler may change its copy without touching the remembered one. */
function shallowCopy(dto: object): object {
  return Object.assign(Object.create(Object.getPrototypeOf(dto) as object) as object, dto);
}

/** Distinct query strings remembered per DTO class; the map starts over when full. */
const MAX_REMEMBERED_QUERIES = 2_000;

/**
 * Query strings repeat (a client polls the same page, a list is filtered the same few ways), and a
 * query DTO's checks depend on nothing but the string: the DTO a valid query produced is kept per
 * class and handed out again as a shallow copy (query DTOs are flat), instead of running
 * class-transformer and class-validator on every request. Bodies and invalid queries go the full way.
 */
export class MemoizingValidationPipe extends ValidationPipe {
  private readonly validQueries = new WeakMap<object, Map<string, object>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    const remembers = metadata.type === 'query' && metatype && value && typeof value === 'object';
    // A remembered query was checked when first seen; every other query and path value is checked now.
    if (!remembers) {
      if (metadata.type === 'query' || metadata.type === 'param') refuseNul(value, metadata.data);
      return super.transform(value, metadata);
    }
    let remembered = this.validQueries.get(metatype);
    if (!remembered) this.validQueries.set(metatype, (remembered = new Map()));
    const key = JSON.stringify(value);
    const known = remembered.get(key);
    if (known) return shallowCopy(known);
    refuseNul(value, metadata.data);
    const dto: unknown = await super.transform(value, metadata);
    if (dto && typeof dto === 'object') {
      if (remembered.size >= MAX_REMEMBERED_QUERIES) remembered.clear();
      remembered.set(key, shallowCopy(dto));
    }
    return dto;
  }
}

/**
 * A query or path value with `\u0000` (`%00`) is a 400 naming it, whatever the DTO says: PostgreSQL text
 * cannot hold it, and it would otherwise surface as a database error. (Bodies are checked as they are parsed.)
 */
function refuseNul(value: unknown, name: string | undefined): void {
  const field = findNulCharacter(value, name ?? '');
  if (field !== undefined) throw fieldInvalid(field === '(body)' ? 'parameter' : field, NUL_PROBLEM);
}

/** Whitelists, forbids unknown fields, transforms; each message names the field it is about. */
export function createValidationPipe(): ValidationPipe {
  return new MemoizingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fields = new Set<string>();
      const messages = flatten(errors, fields);
      return validationFailed(messages, [...fields]);
    },
  });
}
