import { openApp } from './harness.mjs';
const app = await openApp({ prefix: '/linkwork/' });
const { page } = app;
await page.setViewportSize({ width: 512, height: 700 });
await page.click('[data-testid="open-demo"]');
await page.waitForSelector('[data-testid="demo-banner"]');
await page.evaluate(() => { location.hash = '#/dashboard'; });
await page.waitForTimeout(1500);
console.log(await page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('svg g')) {
    const b = el.getBoundingClientRect();
    if (b.right > innerWidth + 1) {
      const chart = el.closest('[data-testid^=chart-]');
      const svg = el.closest('svg');
      out.push(`${chart?.dataset.testid} svg.w=${svg.getBoundingClientRect().width} chart.w=${chart?.getBoundingClientRect().width} right=${Math.round(b.right)} text=${el.textContent.slice(0, 30)}`);
    }
  }
  return out.slice(0, 10);
}));
const card = await page.$('[data-testid=card-referrals]') ?? await page.$('.chart-card');
await page.evaluate(() => document.querySelector('[data-testid^=chart-]').scrollIntoView());
await page.screenshot({ path: 'tests/e2e/artifacts/zoom-dash.png' });
await app.close();
