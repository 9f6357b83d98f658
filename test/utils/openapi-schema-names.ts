import * as path from 'node:path';

/**
 * @nestjs/swagger names a DTO's component schema after its class (or its @ApiSchema name). Two different classes with
 * one name become one schema: the last one explored overwrites the other, and every $ref to the name shows it, so an
 * operation is documented with another DTO's fields (11.x only logs a warning, and only when the two differ at that
 * moment, and when a nested property's class meets an existing name it is not even looked at). This watches the
 * schema factory while a document is built and names each schema name more than one class had.
 */

interface SchemaObjectFactory {
  getSchemaMetadata(type: object): { schemaName: string };
}

/** The properties @ApiProperty recorded on a class (@nestjs/swagger keeps them as `:name` on its prototype). */
function propertiesOf(model: object): string {
  const names = (Reflect.getMetadata('swagger/apiModelPropertiesArray', (model as { prototype?: object }).prototype ?? {}) ??
    []) as string[];
  return names.map((name) => name.replace(/^:/, '')).join(', ');
}

/**
 * The factory class the app's @nestjs/swagger uses (the package does not export it; its file is reached by path,
 * through Jest's module registry, so it is the very class the app under test loaded).
 */
function factoryClass(): { prototype: SchemaObjectFactory } {
  const file = path.join(path.dirname(require.resolve('@nestjs/swagger')), 'services', 'schema-object-factory.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file the package's exports map does not list
  return (require(file) as { SchemaObjectFactory: { prototype: SchemaObjectFactory } }).SchemaObjectFactory;
}

/**
 * Runs `build` (which builds an OpenAPI document) and says which schema names stood for more than one class. The
 * factory names a class whenever it meets one (a body, an answer, a property's type), before it looks whether a
 * schema of that name exists, so every class is seen, also the one that lost.
 */
export function schemaNameClashes<T>(build: () => T): { result: T; clashes: string[] } {
  const { prototype } = factoryClass();
  const nameOf = prototype.getSchemaMetadata;
  if (typeof nameOf !== 'function') throw new Error('@nestjs/swagger changed: SchemaObjectFactory.getSchemaMetadata is gone');
  const classesByName = new Map<string, Set<object>>();
  prototype.getSchemaMetadata = function (this: SchemaObjectFactory, model) {
    const metadata = nameOf.call(this, model);
    classesByName.set(metadata.schemaName, (classesByName.get(metadata.schemaName) ?? new Set<object>()).add(model));
    return metadata;
  };
  try {
    const result = build();
    const clashes = [...classesByName]
      .filter(([, classes]) => classes.size > 1)
      .map(([name, classes]) => `${name}: ${classes.size} classes (${[...classes].map(propertiesOf).join(' | ')})`);
    return { result, clashes };
  } finally {
    prototype.getSchemaMetadata = nameOf;
  }
}
