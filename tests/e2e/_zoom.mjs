import { openApp } from './harness.mjs';
const app = await openApp({ prefix: '/linkwork/' });
const { page } = app;
const [w, scale] = (process.argv[2] ?? '512x2').split('x').map(Number);
await page.setViewportSize({ width: w, height: 700 });
if (process.argv[3] === 'text') await page.addStyleTag({ content: 'html { font-size: 200% !important }' }).catch(async () => page.evaluate(() => document.documentElement.style.setProperty('font-size', '200%', 'important')));
await page.click('[data-testid="open-demo"]');
await page.waitForSelector('[data-testid="demo-banner"]');
const report = async (name) => {
  await page.waitForTimeout(400);
  const r = await page.evaluate(() => {
    const over = [];
    for (const el of document.querySelectorAll('body *')) {
      const b = el.getBoundingClientRect();
      if (b.width && b.right > innerWidth + 1 && !el.closest('.table-wrap, .table-scroll, [data-overflow]')) over.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(b.right)}`);
    }
    return { sw: document.documentElement.scrollWidth, iw: innerWidth, over: over.slice(0, 8) };
  });
  console.log(name, JSON.stringify(r));
  await page.screenshot({ path: `tests/e2e/artifacts/zoom-${w}-${name}.png`, fullPage: false });
};
for (const [name, hash] of [['caseload', '#/'], ['dashboard', '#/dashboard'], ['new', '#/new'], ['work', '#/work'], ['practices', '#/practices'], ['directory', '#/directory'], ['settings', '#/settings'], ['transfer', '#/transfer']]) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await report(name);
}
await page.evaluate(() => { location.hash = '#/'; });
await page.click('[data-testid=row-reference] >> nth=0');
await report('referral');
await app.close();
