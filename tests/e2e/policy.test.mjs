// End-to-end: the content security policy. Every page is used under the policy the build
// ships (meta tag and _headers) and nothing is refused; what the policy forbids really is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countCharts } from './harness.mjs';
import {
  addPractice,
  byTestId,
  createWorkspace,
  exportSummary,
  openFresh,
  recordReferral,
} from './flows.mjs';

/** An init script: keeps every policy violation the page reports in window.__violations. */
function recordViolations() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(`${e.effectiveDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
  });
}

const violations = (page) => page.evaluate(() => window.__violations);

test('every page works under the strict policy, with no violation reported', async (t) => {
  const app = await openFresh(t);
  const { page, context } = app;
  await context.addInitScript(recordViolations);
  await context.addInitScript(countCharts);
  const response = await page.reload();
  await page.waitForSelector(byTestId('lock-screen'));

  // The policy comes both ways: as the host's header (from _headers) and as a meta tag.
  const header = response.headers()['content-security-policy'];
  assert.match(header, /frame-ancestors 'none'/);
  const meta = await page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');
  // The app connects to its own origin only, and to the sync server's only when the build
  // was told it is on another origin (LINKWORK_SYNC_ORIGIN, see xtask/src/site.rs).
  const syncOrigin = process.env.LINKWORK_SYNC_ORIGIN?.toLowerCase().replace(/\/$/, '');
  const connect = syncOrigin ? `connect-src 'self' ${syncOrigin}` : "connect-src 'self'";
  for (const policy of [header, meta]) {
    const directives = policy.split(';').map((d) => d.trim());
    assert.deepEqual(directives.filter((d) => d.startsWith('connect-src')), [connect]);
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/]+=*';/);
    // Styles from the app's own files, and the page's own stylesheet (inline, so the loading
    // frame needs no second round trip) by its hash: one hash, nothing else inline.
    assert.match(policy, /style-src 'self' 'sha256-[A-Za-z0-9+/]+=*';/);
    assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);
  }

  // A link worker's day: every page, its forms and its errors.
  await createWorkspace(page);
  await addPractice(page, 'Riverside Medical Practice', '11200');
  await page.click(byTestId('nav-new'));
  await page.click(byTestId('save-referral'));
  await recordReferral(page, 'RV-0412');
  await page.click(byTestId('row-add-contact'));
  await page.fill(byTestId('contact-minutes'), '20');
  await page.click(byTestId('save-contact'));
  await page.waitForSelector(`${byTestId('notice')} >> text=Contact added`);
  await page.click(byTestId('row-reference'));
  await page.waitForSelector(byTestId('measure-form'));
  await page.click(byTestId('write-message'));
  await page.waitForSelector(byTestId('message-panel'));
  await page.click(byTestId('to-close'));
  await page.selectOption(byTestId('close-reason'), 'withdrew');
  await page.click(byTestId('status-confirm-button'));
  for (const nav of ['nav-dashboard', 'nav-work', 'nav-practices', 'nav-directory', 'nav-settings']) {
    await page.click(byTestId(nav));
    await page.waitForSelector('main h1');
  }
  await page.evaluate(() => { location.hash = '#/transfer'; });
  await page.waitForSelector(byTestId('summary-export'));
  await page.click(byTestId('lock'));

  // The demo: charts drawn by ECharts, a summary made, and the manager view with its charts.
  await page.click(byTestId('open-demo'));
  await page.waitForSelector(byTestId('demo-banner'));
  await page.click(byTestId('nav-dashboard'));
  await page.waitForFunction(() => window.__liveCharts >= 14, null, { timeout: 20_000 });
  // Pointing at a chart opens its tooltip, which the policy allows: it is drawn inside the
  // chart with each value apart from its name (ECharts' HTML tooltip uses style
  // attributes, which the policy refuses).
  const caseload = page.locator(byTestId('chart-caseload'));
  await caseload.scrollIntoViewIfNeeded();
  const box = await caseload.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('[data-testid="chart-caseload"] svg text')];
    // The series' names appear twice (legend and tooltip), each value on its own, in bold.
    return texts.filter((t) => t.textContent === 'Open at end of period').length === 2
      && texts.some((t) => /^\d+$/.test(t.textContent) && Number(getComputedStyle(t).fontWeight) >= 600);
  });
  assert.deepEqual(await violations(page), [], 'the tooltip needs nothing the policy refuses');
  await page.click(byTestId('nav-practices'));
  await page.waitForFunction(() => window.__liveCharts >= 2, null, { timeout: 20_000 });
  await page.click('[data-testid^=start-checkin-] >> nth=0');
  await page.waitForSelector(byTestId('checkin-form'));
  const summary = await exportSummary(page, 'North PCN, link worker 2');
  await page.click(byTestId('leave-demo'));
  await page.click(byTestId('open-manager'));
  await page.setInputFiles(byTestId('summary-files'), [
    { name: summary.name, mimeType: 'application/json', buffer: Buffer.from(summary.text) },
  ]);
  await page.waitForSelector(byTestId('summary-row'));
  await page.waitForFunction(() => window.__liveCharts >= 1, null, { timeout: 20_000 });

  assert.deepEqual(await violations(page), []);
  assert.deepEqual(app.errors, []);

  // What the policy forbids is refused: an injected inline script does not run, and is reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
  });
  await page.waitForFunction(() => window.__violations.length > 0);
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  assert.match((await violations(page))[0], /^script-src-elem refused inline/);
  const styled = await page.evaluate(() => {
    const p = document.createElement('p');
    p.setAttribute('style', 'color: red');
    document.body.append(p);
    return getComputedStyle(p).color;
  });
  assert.notEqual(styled, 'rgb(255, 0, 0)', 'an inline style attribute is refused');
  // The page's own stylesheet is allowed by its hash alone: another <style> is refused.
  const restyled = await page.evaluate(() => {
    const style = document.createElement('style');
    style.textContent = 'body { background: rgb(255, 0, 0) !important; }';
    document.head.append(style);
    return getComputedStyle(document.body).backgroundColor;
  });
  assert.notEqual(restyled, 'rgb(255, 0, 0)', 'an injected stylesheet is refused');
  assert.ok(
    (await violations(page)).some((v) => v.startsWith('style-src-elem refused inline')),
    (await violations(page)).join('\n'),
  );
  // The refusals are also on the console, which is how every other test would notice one.
  assert.ok(app.errors.some((e) => e.includes('Content Security Policy')), app.errors.join('\n'));
});
