// What a link worker does again and again, for the end-to-end tests.
import fs from 'node:fs/promises';
import { openApp } from './harness.mjs';

export const PASS = 'correct horse battery';

export const byTestId = (id) => `[data-testid="${id}"]`;

/** The focus colour of Linkwork's one focus style (style/main.css, --focus). */
const FOCUS_COLOUR = 'rgb(255, 235, 59)';

/**
 * Describes the focused element if it does not show that it has focus (the yellow and dark
 * ring, or a yellow background on links); null when it does, or when nothing has focus.
 */
export function focusNotShown(page) {
  return page.evaluate((colour) => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const shown = style.boxShadow.includes(colour) || style.backgroundColor === colour;
    return shown ? null : `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40)}" (box-shadow ${style.boxShadow}, background ${style.backgroundColor})`;
  }, FOCUS_COLOUR);
}

/**
 * Presses Tab until the element with this test id has focus (keyboard only). Every element
 * focused on the way must show its focus.
 */
export async function tabTo(page, testid, max = 80) {
  for (let i = 0; i < max; i += 1) {
    const here = await page.evaluate(() => document.activeElement?.dataset?.testid ?? null);
    const hidden = await focusNotShown(page);
    if (hidden) throw new Error(`focus is not visible on ${hidden}`);
    if (here === testid) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testid}`);
}

/** Adds a practice in Settings using only the keyboard. */
export async function addPracticeByKeyboard(page, name, size) {
  await tabTo(page, 'nav-settings');
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('practice-name'));
  await tabTo(page, 'practice-name');
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(size);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`${byTestId('practice-list')} >> text=${name}`);
}

/** Opens the app under /linkwork/ in a fresh profile; closes it after the test. */
export async function openFresh(t, options = {}) {
  const app = await openApp({ prefix: '/linkwork/', ...options });
  t.after(() => app.close());
  await app.page.waitForSelector(byTestId('app-root'));
  return app;
}

/** Creates a workspace from the lock screen and waits for it to open. */
export async function createWorkspace(page, name = 'Sam', pass = PASS) {
  await page.waitForSelector(byTestId('lock-screen'));
  const form = await page.$(byTestId('create-form'));
  if (!(await form.isVisible())) await page.click('text=Create a workspace');
  await page.fill(byTestId('create-name'), name);
  await page.fill(byTestId('create-pass'), pass);
  await page.fill(byTestId('create-confirm'), pass);
  await page.click(byTestId('create'));
  await page.waitForSelector(byTestId('workspace-name'));
}

/** Unlocks with the keyboard: the passphrase field has focus on the lock screen. */
export async function unlockByKeyboard(page, pass = PASS, name = null) {
  await page.waitForSelector(byTestId('unlock-form'));
  if (name) await page.check(byTestId(`workspace-${name}`));
  await page.focus(byTestId('unlock-passphrase'));
  await page.keyboard.type(pass);
  await page.keyboard.press('Enter');
  await page.waitForSelector(byTestId('workspace-name'));
}

/** Adds a practice in Settings. */
export async function addPractice(page, name, size = '') {
  await page.click(byTestId('nav-settings'));
  await page.fill(byTestId('practice-name'), name);
  await page.fill(byTestId('practice-size'), size);
  await page.click(byTestId('add-practice-button'));
  await page.waitForSelector(`${byTestId('practice-list')} >> text=${name}`);
}

/**
 * Records a referral through the form (not keyboard-only). `practice`: the index of the
 * practice to choose, where there is more than one.
 */
export async function recordReferral(page, reference, { reasons = ['loneliness'], notes = '', practice = null, date = null } = {}) {
  await page.click(byTestId('nav-new'));
  await page.waitForSelector(byTestId('referral-form'));
  await page.fill(byTestId('field-reference'), reference);
  if (practice !== null) await page.selectOption(byTestId('field-practice'), { index: practice });
  await page.selectOption(byTestId('field-role'), 'gp');
  for (const r of reasons) await page.check(byTestId(`reason-${r}`));
  if (notes) await page.fill(byTestId('field-notes'), notes);
  if (date) await page.fill(byTestId('field-date'), date);
  await page.click(byTestId('save-referral'));
  await page.waitForSelector(byTestId('notice'));
}

/** The caseload's rows as arrays of cell texts (going to the caseload first if need be). */
export async function caseloadRows(page) {
  const hash = await page.evaluate(() => location.hash);
  if (hash !== '' && hash !== '#/') await page.click(byTestId('nav-caseload'));
  await page.waitForSelector(byTestId('caseload-row'));
  return page.$$eval(byTestId('caseload-row'), (trs) =>
    // The first cell holds the reference link and any flags: keep the reference.
    trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td, i) =>
        (i === 0 ? td.querySelector('a').textContent : td.textContent).trim(),
      ),
    ),
  );
}

/** Every key and value in local storage. */
export function storedEntries(page) {
  return page.evaluate(() => Object.entries(localStorage));
}

/**
 * Exports the open caseload's summary under a label, for the quarters starting `from` and
 * ending `to` (dates; the last complete quarter by default); returns the file's name and text.
 */
export async function exportSummary(page, label, { from, to, pass } = {}) {
  await page.evaluate(() => {
    location.hash = '#/transfer';
  });
  await page.waitForSelector(byTestId('summary-export'));
  if (from) await page.selectOption(byTestId('summary-from'), from);
  if (to) await page.selectOption(byTestId('summary-to'), to);
  await page.fill(byTestId('summary-label'), label);
  await page.click(byTestId('summary-preview'));
  await page.waitForSelector(byTestId('summary-preview-tables'));
  if (pass) {
    await page.fill(byTestId('summary-pass'), pass);
    await page.fill(byTestId('summary-confirm'), pass);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('summary-download'))]);
  const text = await fs.readFile(await download.path(), 'utf8');
  return { name: download.suggestedFilename(), text };
}

/** On the lock screen, offers a file (name, text) to "Restore from a backup file". */
export async function offerBackupFile(page, name, text) {
  await page.click('text=Restore from a backup file');
  await page.setInputFiles(byTestId('restore-file'), {
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text),
  });
}

/** Records one consent answer on the open referral page: `about` is support, gp, outcomes,
 * quote or connection-<id>; `answer` is yes, no or codes_only; `date` (ISO) if not today. */
export async function recordConsent(page, about, answer, how = 'verbal', date = null) {
  await page.selectOption(byTestId('consent-about'), about);
  await page.selectOption(byTestId('consent-answer-choice'), answer);
  await page.selectOption(byTestId('consent-how'), how);
  if (date) await page.fill(byTestId('consent-date'), date);
  await page.click(byTestId('save-consent'));
  await page.waitForSelector(byTestId('consent-saved'));
}

/** Adds a task on the open referral page. */
export async function addTask(page, text) {
  await page.fill(`#sec-tasks ${byTestId('task-input')}`, text);
  await page.click(`#sec-tasks ${byTestId('add-task')}`);
  await page.waitForSelector(`#sec-tasks ${byTestId('open-tasks')} >> text=${text}`);
}

/** Logs a concern in the open referral's risk log. */
export async function logConcern(page, kind, concern, { told = [] } = {}) {
  await page.selectOption(byTestId('risk-kind'), kind);
  await page.fill(byTestId('risk-concern'), concern);
  for (const who of told) await page.check(byTestId(`risk-told-${who}`));
  await page.click(byTestId('save-risk'));
  await page.waitForSelector(byTestId('risk-saved'));
}

/**
 * Everything a workspace keeps in local storage, decrypted as the app would: the
 * passphrase's key is derived with Argon2id (hash-wasm, an independent implementation), it
 * unwraps the data key, and the browser's own AES-GCM and inflate open each part. Returns [name, JSON text]
 * pairs of every sealed value under the workspace, and the names of any other keys.
 */
export async function openStorage(page, pass = PASS) {
  const { argon2id } = await import('hash-wasm');
  const entries = await storedEntries(page);
  const out = [];
  for (const [name, value] of entries.filter(([k]) => k.endsWith('/meta') && k.includes('/ws/'))) {
    const meta = JSON.parse(value);
    const kdf = meta.kdf ?? meta.workspace?.kdf;
    const key = await argon2id({
      password: pass,
      salt: Buffer.from(kdf.salt, 'hex'),
      parallelism: kdf.p,
      iterations: kdf.t,
      memorySize: kdf.m_kib,
      hashLength: 32,
      outputType: 'binary',
    });
    const prefix = name.replace(/meta$/, '');
    out.push(
      ...(await page.evaluate(openSealed, { key: [...key], prefix, wrapped: meta.wrapped ?? null, wrapName: `${name}#data-key` })),
    );
  }
  return out;
}

/** In the page: every value under `prefix` sealed by the app ("E1:" and the packed nonce
 * and AES-GCM ciphertext of the deflated text, the key's name as associated data), opened
 * with the raw key. Values that are not sealed are returned as they are. */
async function openSealed({ key: raw, prefix, wrapped, wrapName }) {
  const unpack = (text) => {
    const base = 0x4000;
    const len = ((text.charCodeAt(0) - base) << 15) | (text.charCodeAt(1) - base);
    const bytes = new Uint8Array(len);
    let acc = 0;
    let bits = 0;
    let o = 0;
    for (let i = 2; i < text.length; i += 1) {
      acc = (acc << 15) | (text.charCodeAt(i) - base);
      bits += 15;
      while (bits >= 8 && o < len) {
        bits -= 8;
        bytes[o] = (acc >>> bits) & 0xff;
        o += 1;
      }
      acc &= (1 << bits) - 1;
    }
    return bytes;
  };
  const encoder = new TextEncoder();
  const open = async (k, name, value) => {
    const sealed = unpack(value.slice(3));
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.subarray(0, 12), additionalData: encoder.encode(name) },
      k,
      sealed.subarray(12),
    );
    const stream = new Blob([plain]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Response(stream).text();
  };
  // The passphrase's key wraps the workspace's data key (a workspace from before that
  // has none, and its passphrase's key seals the documents).
  let key = await crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, ['decrypt']);
  if (wrapped) {
    const hex = await open(key, wrapName, wrapped);
    const bytes = new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
    key = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['decrypt']);
  }
  const out = [];
  for (const name of Object.keys(localStorage).filter((k) => k.startsWith(prefix))) {
    const value = localStorage.getItem(name);
    if (!value.startsWith('E1:')) {
      out.push([name, value]);
      continue;
    }
    out.push([name, await open(key, name, value)]);
  }
  return out;
}
