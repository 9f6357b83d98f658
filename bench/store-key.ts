import { createHash } from 'node:crypto';
import { GeneratorOptions } from '../src/migration/generator/legacy-store-generator';

/** A stable name for a parameter set (bench cache folders). */
export function storeKey(options: GeneratorOptions): string {
  const { out: _out, force: _force, onProgress: _progress, ...parameters } = options;
  const digest = createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 10);
  return `u${options.users}-t${options.transactionsPerUser}-${digest}`;
}
