// The contract check of issue 16: every answer the tests saw the app give is declared in docs/openapi.json (its
// (operation, status, code) and its body, by the schema declared for that (operation, status)), and — on a full run —
// every declared (operation, status, code) was seen at least once. The workers record answers through
// test/utils/contract-observer.ts into PEND_CONTRACT_OBSERVED_DIR (made by globalSetup); this reporter runs in Jest's
// main process after the last test file and before globalTeardown.
const fs = require('node:fs');
const path = require('node:path');

const DOCUMENT = path.join(__dirname, '..', '..', 'docs', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function key(method, route, status, code) {
  return `${method.toUpperCase()} ${route} ${status}${code ? ` ${code}` : ''}`;
}

function declaredAnswers(document) {
  const declared = new Set();
  for (const [route, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) declared.add(key(method, route, status));
        for (const code of response['x-codes'] ?? []) declared.add(key(method, route, status, code));
      }
    }
  }
  return declared;
}

/**
 * Each kind of answer seen, with the first test that saw it; and each body that differs from its declared schema
 * (answer → how it differs → the first test that saw that).
 */
function observedAnswers(dir) {
  const observed = new Map();
  const wrongBodies = new Map();
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const answer = JSON.parse(line);
      // Answers no operation gave (an unknown route, a malformed request line), HEAD/OPTIONS that Fastify and CORS
      // answer for every route, and the docs page itself are not operations of the document.
      if (!answer.path || !METHODS.includes(answer.method) || answer.path.startsWith('/api/docs')) continue;
      const seen = key(answer.method, answer.path, answer.status, answer.code);
      if (!observed.has(seen)) observed.set(seen, answer.test);
      if (!answer.bodyErrors?.length) continue;
      const problems = wrongBodies.get(seen) ?? new Map();
      for (const problem of answer.bodyErrors) if (!problems.has(problem)) problems.set(problem, answer.test);
      wrongBodies.set(seen, problems);
    }
  }
  return { observed, wrongBodies };
}

/** True when every test file of the project ran with every test (no path, name, shard or changed-files filter). */
function isFullRun(globalConfig, contexts, results) {
  if (globalConfig.testNamePattern || globalConfig.onlyChanged || globalConfig.findRelatedTests) return false;
  if (globalConfig.shard || globalConfig.onlyFailures || globalConfig.bail) return false;
  const ran = new Set(results.testResults.map((result) => result.testFilePath));
  for (const context of contexts) {
    const { testRegex, testPathIgnorePatterns } = context.config;
    const ignored = testPathIgnorePatterns.map((pattern) => new RegExp(pattern));
    const all = context.hasteFS
      .getAllFiles()
      .filter((file) => testRegex.some((pattern) => new RegExp(pattern).test(file)) && !ignored.some((re) => re.test(file)));
    if (all.some((file) => !ran.has(file))) return false;
  }
  return true;
}

class ContractReporter {
  /** Options (jest.config.js or a test of this reporter): `document` and `observedDir` in place of the run's own. */
  constructor(globalConfig, options = {}) {
    this.globalConfig = globalConfig;
    this.options = options;
    this.error = undefined;
  }

  onRunComplete(contexts, results) {
    const dir = this.options.observedDir ?? process.env.PEND_CONTRACT_OBSERVED_DIR;
    if (!dir || !fs.existsSync(dir)) return;
    const declared = declaredAnswers(JSON.parse(fs.readFileSync(this.options.document ?? DOCUMENT, 'utf8')));
    const { observed, wrongBodies } = observedAnswers(dir);
    const undeclared = [...observed.keys()].filter((answer) => !declared.has(answer)).sort();
    // An undeclared answer is reported as that, not again for its body.
    const misdescribed = [...wrongBodies.keys()].filter((answer) => declared.has(answer)).sort();
    const full = isFullRun(this.globalConfig, contexts, results);
    const unproduced = full ? [...declared].filter((answer) => !observed.has(answer)).sort() : [];

    const lines = [];
    if (undeclared.length) {
      lines.push(
        `${undeclared.length} answer(s) the tests saw are not declared in docs/openapi.json:`,
        ...undeclared.map((a) => `  ${a}   (${observed.get(a) ?? 'unknown test'})`),
      );
    }
    if (misdescribed.length) {
      lines.push(
        `${misdescribed.length} answer(s) the tests saw have a body that differs from the schema docs/openapi.json declares for it (fix the DTO or its decorators, then \`npm run openapi:write\`):`,
        ...misdescribed.flatMap((a) => {
          const byTest = new Map();
          for (const [problem, test] of wrongBodies.get(a)) byTest.set(test, [...(byTest.get(test) ?? []), problem]);
          return [
            `  ${a}`,
            ...[...byTest].flatMap(([test, problems]) => [`    seen by ${test ?? 'unknown test'}:`, ...problems.map((p) => `      ${p}`)]),
          ];
        }),
      );
    }
    if (unproduced.length) {
      lines.push(
        `${unproduced.length} declared answer(s) no test produced (add a test, or remove the code from the route if it cannot happen):`,
        ...unproduced.map((a) => `  ${a}`),
      );
    }
    const scope = full ? 'full run: both directions checked' : 'partial run: only "seen ⊆ declared" checked';
    if (lines.length) {
      this.error = new Error(`Contract check (${scope}) failed\n${lines.join('\n')}`);
      process.stderr.write(`\n${this.error.message}\n`);
    } else {
      process.stderr.write(
        `\ncontract: ${observed.size} distinct answers seen, all declared and their bodies as declared; ${full ? `all ${declared.size} declared answers produced` : scope}\n`,
      );
    }
  }

  getLastError() {
    return this.error;
  }
}

module.exports = ContractReporter;
