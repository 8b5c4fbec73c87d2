import { openApp } from './harness.mjs';
const app = await openApp({ prefix: '/linkwork/' });
const { page } = app;
await page.setViewportSize({ width: 512, height: 700 });
await page.click('[data-testid="open-demo"]');
await page.waitForSelector('[data-testid="demo-banner"]');
for (const hash of ['#/', '#/work', '#/directory']) {
await page.evaluate((h) => { location.hash = h; }, hash);
await page.waitForTimeout(300);
console.log(hash, await page.evaluate(() => {
  const out = [];
  let el = document.querySelector('.table-wrap');
  while (el) { const cs = getComputedStyle(el); out.push(`${el.tagName}.${el.className} w=${el.getBoundingClientRect().width} sw=${el.scrollWidth} min=${cs.minWidth} disp=${cs.display} ov=${cs.overflowX}`); el = el.parentElement; }
  return out;
}));
}
await app.close();
