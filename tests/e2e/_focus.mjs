import { openApp } from './harness.mjs';
import { tabTo, createWorkspace, addPracticeByKeyboard, focusNotShown } from './flows.mjs';
const app = await openApp({ prefix: '/linkwork/' });
const { page } = app;
await page.waitForSelector('[data-testid=app-root]');
await createWorkspace(page);
await addPracticeByKeyboard(page, 'Riverside Medical Practice', '11200');
await tabTo(page, 'nav-new');
await page.keyboard.press('Enter');
await page.waitForSelector('[data-testid=referral-form]');
await page.evaluate(() => { window.__log = []; document.addEventListener('focusin', (e) => window.__log.push('in ' + e.target.id + ' fv=' + e.target.matches(':focus-visible') + ' ' + new Error().stack.split('\n').slice(2,4).join('|')), true); document.addEventListener('focusout', (e) => window.__log.push('out ' + e.target.id), true); });
await page.keyboard.type('RV-0412');
console.log('before', await focusNotShown(page));
await page.keyboard.press('Tab');
console.log('after', await focusNotShown(page));
for (const ms of [0, 5, 20, 50, 100, 300]) { await page.waitForTimeout(ms); console.log(ms, await page.evaluate(() => document.activeElement.id + ' ' + document.activeElement.matches(':focus-visible'))); }
console.log(await page.evaluate(() => window.__log));
await app.close();
