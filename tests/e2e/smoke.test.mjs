// Smoke test of the release build (LINKWORK_DIST): it loads from a sub-path and renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp } from './harness.mjs';

test('the app renders when served under a sub-path', async (t) => {
  const app = await openApp({ prefix: '/linkwork/' });
  t.after(() => app.close());
  await app.page.waitForSelector('[data-testid=app-root]', { timeout: 10_000 });
  assert.match(await app.page.title(), /Linkwork/);
  assert.deepEqual(app.errors, []);
});
