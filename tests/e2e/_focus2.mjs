import { openApp } from './harness.mjs';
import { createWorkspace, addPracticeByKeyboard, focusNotShown, tabTo } from './flows.mjs';
const app = await openApp({ prefix: '/linkwork/' });
const { page } = app;
await page.waitForSelector('[data-testid=app-root]');
await createWorkspace(page);
await addPracticeByKeyboard(page, 'Riverside Medical Practice', '11200');
await tabTo(page, 'nav-new');
await page.keyboard.press('Enter');
await page.waitForSelector('[data-testid=referral-form]');
await page.keyboard.type('RV-0412');
for (let i = 0; i < 4; i++) {
  const here = await page.evaluate(() => document.activeElement?.dataset?.testid ?? null);
  const hidden = await focusNotShown(page);
  console.log(i, here, hidden);
  if (hidden) { await page.waitForTimeout(300); console.log('later', await focusNotShown(page)); }
  await page.keyboard.press('Tab');
}
await page.screenshot({path:'tests/e2e/artifacts/focus-date.png', clip:{x:0,y:0,width:1280,height:500}});
await app.close();
