import { Injectable, PipeTransform, ArgumentMetadata } from '@nestjs/common';
import { fieldInvalid } from '../../common/validation/validation.pipe';
import { isUUID } from 'class-validator';

/** A route `:id` that must be a UUID: 400 naming the parameter instead of a database cast error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isUUID(value)) throw fieldInvalid(metadata.data ?? 'id', 'must be a UUID');
    return value.toLowerCase();
  }
}
