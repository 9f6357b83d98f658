// Module boundaries, checked by dependency-cruiser in `npm run lint` (so `npm test` and CI run it).
//
// The rooms (README, "A short tour"):
// - base: common/, config/, database/ — used by every feature, they use no feature;
// - features: the folders listed in FEATURE_LAYERS — each uses base and other features' *public surface* only;
// - composition roots: src/*.ts (main, bootstrap, app.module), src/cli/, the entity registry
//   (src/database/entities.ts) and the reference-data seeds (src/database/seeds/, they load every feature's
//   reference data) — they may see everything.
// Nothing under src imports bench/ or test/.
//
// A feature's public surface: its *.module.ts, entities/ (the shared schema; entity relations may point both
// ways), dto/, *.errors.ts, *.types.ts, the files of the providers its module `exports` (read from the module
// file below, so exporting a provider is what makes it public), and for auth the pieces every controller uses
// (decorators, request context, the guard and its permission catalogue).
//
// No cycles between modules: FEATURE_LAYERS is an order, and a feature may use only features listed before it
// (imports of entity files aside). A new dependency that points up the list means either that the piece belongs
// in common/ or that the order should change; both are a decision, not a lint fix.
const fs = require('node:fs');
const path = require('node:path');

const FEATURE_LAYERS = ['admin-audit', 'auth', 'users', 'kyc', 'assets', 'investments', 'blockchain', 'admin', 'system', 'migration'];
const BASE = ['common', 'config', 'database'];
const COMPOSITION_ROOTS = ['^src/[^/]+\\.ts$', '^src/cli/', '^src/database/entities\\.ts$', '^src/database/seeds/'];
const ALWAYS_PUBLIC = ['[^/]+\\.module\\.ts$', 'entities/', 'dto/', '[^/]+\\.errors\\.ts$', '[^/]+\\.types\\.ts$'];
const EXTRA_PUBLIC = { auth: ['decorators\\.ts$', 'request-context\\.ts$', 'principal\\.ts$', 'guards/'] };

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The files of the providers a feature module exports: `exports: [A, B]` and the imports naming A and B. */
function exportedProviderFiles(feature) {
  const dir = path.join(__dirname, 'src', feature);
  const files = [];
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (!name.endsWith('.module.ts')) continue;
    const source = fs.readFileSync(path.join(dir, name), 'utf8');
    const exported = /exports:\s*\[([^\]]*)\]/.exec(source);
    if (!exported) continue;
    for (const symbol of exported[1]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const from = new RegExp(`import\\s*\\{[^}]*\\b${escape(symbol)}\\b[^}]*\\}\\s*from\\s*'\\./([^']+)'`).exec(source);
      if (from) files.push(`${escape(from[1])}\\.ts$`);
    }
  }
  return files;
}

const publicPaths = (feature) =>
  [...ALWAYS_PUBLIC, ...(EXTRA_PUBLIC[feature] ?? []), ...exportedProviderFiles(feature)].map((tail) => `^src/${feature}/${tail}`);

const forbidden = [
  {
    name: 'src-not-to-bench',
    comment: 'Nothing under src imports benchmarks.',
    severity: 'error',
    from: { path: '^src/' },
    to: { path: '^bench/' },
  },
  {
    name: 'src-not-to-test',
    comment: 'Production code never imports tests (unit specs beside the code may read test/fixtures).',
    severity: 'error',
    from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
    to: { path: '^test/' },
  },
  {
    name: 'base-uses-no-feature',
    comment: 'common, config and database sit below the features: move what they need into base, or the code into a feature.',
    severity: 'error',
    from: { path: `^src/(${BASE.join('|')})/`, pathNot: COMPOSITION_ROOTS },
    to: { path: `^src/(${FEATURE_LAYERS.join('|')}|cli)/|^src/[^/]+\\.ts$` },
  },
  {
    name: 'no-circular-files',
    comment: 'No import cycles between files, except TypeORM entity relations (entities point at each other).',
    severity: 'error',
    from: { pathNot: '/entities/' },
    to: { circular: true },
  },
];

for (const [index, feature] of FEATURE_LAYERS.entries()) {
  const others = FEATURE_LAYERS.filter((other) => other !== feature);
  for (const other of others) {
    forbidden.push({
      name: 'feature-uses-public-surface',
      comment: `${feature} may use ${other} only through its public surface (module, exported providers, entities, dto, errors, types).`,
      severity: 'error',
      from: { path: `^src/${feature}/` },
      to: { path: `^src/${other}/`, pathNot: publicPaths(other) },
    });
  }
  const above = FEATURE_LAYERS.slice(index + 1);
  if (above.length > 0) {
    forbidden.push({
      name: 'no-module-cycles',
      comment: `${feature} may not depend on ${above.join(', ')} (they come later in FEATURE_LAYERS; imports of entities aside).`,
      severity: 'error',
      from: { path: `^src/${feature}/`, pathNot: '/entities/' },
      to: { path: `^src/(${above.join('|')})/`, pathNot: '/entities/' },
    });
  }
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
