import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser } from 'puppeteer-core';
import { runAloneAmongHeavyTests } from '../utils/heavy-test-lock';
import { createTestApp, TestApp } from '../utils/test-app';

/** Debian's package (`.ci/run` installs it); CHROMIUM_PATH points elsewhere when needed. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const ciRun = process.env.CI === 'true';

if (!hasChromium && !ciRun) {
  // A developer without Chromium still gets a green run, and is told what did not run.
  process.stderr.write(`api-docs-browser: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)\n`);
}

const describeWithBrowser = hasChromium || ciRun ? describe : describe.skip;

describeWithBrowser('/api/docs in headless Chromium', () => {
  runAloneAmongHeavyTests();
  let testApp: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let profileDir: string;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`CI=true but no Chromium at ${CHROMIUM}: .ci/run installs the Debian package`);
    testApp = await createTestApp();
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
    profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pend-chromium-'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profileDir,
      // As root in a container: no sandbox; nothing that reaches out to Google's services.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await testApp?.close();
    if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  });

  it('renders the operations, opens one, and logs no console error or failed request', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error instanceof Error ? error.message : String(error)}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });

    const response = await page.goto(`${baseUrl}/api/docs`, { waitUntil: 'networkidle0', timeout: 30_000 });
    expect(response?.status()).toBe(200);

    // Swagger UI has fetched /api/docs-json and drawn one block per operation.
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.$$eval('.opblock', (blocks) => blocks.length);
    expect(operations).toBeGreaterThan(20);
    const title = await page.$eval('.info .title', (element) => element.textContent ?? '');
    expect(title).toContain('Pend API');

    // Open POST /api/investments: its responses table (rendered from the document) shows up.
    const summary = await page.waitForSelector('#operations-investments-InvestmentsController_create .opblock-summary-control', {
      timeout: 10_000,
    });
    await summary!.click();
    await page.waitForSelector('#operations-investments-InvestmentsController_create .responses-table', { timeout: 10_000 });
    const statuses = await page.$$eval(
      '#operations-investments-InvestmentsController_create .responses-table .response-col_status',
      (cells) => cells.map((cell) => (cell.textContent ?? '').trim()),
    );
    expect(statuses).toContain('201');

    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
