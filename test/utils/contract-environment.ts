import NodeEnvironment from 'jest-environment-node';
import { CONTRACT_SCHEMAS_GLOBAL, committedDocumentSchemas } from './contract-observer';
import type { OpenApiSchemas } from './openapi-schema';

/**
 * Jest's node environment, plus the committed document's schemas for the contract observer, shared by every test
 * file a worker runs: this module lives in the worker's own realm (each test file gets a fresh one), so each
 * (operation, status) schema is compiled once per worker, on the first answer that needs it, not once per file.
 */
let schemas: OpenApiSchemas | undefined;

export default class ContractEnvironment extends NodeEnvironment {
  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    super(...args);
    this.global[CONTRACT_SCHEMAS_GLOBAL] = () => (schemas ??= committedDocumentSchemas());
  }
}
