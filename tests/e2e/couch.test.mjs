// Tests of couch.mjs and of harness.mjs's `/sync/` proxy, against pouchdb-server (or the
// CouchDB at SYNC_URL). Independent of the app build: the browser test uses a hand-made page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { basicAuth, couchRequest, deleteDb, docCount, dumpServer, makeAccount, startCouch } from './couch.mjs';
import { openApp, startServer } from './harness.mjs';

/** One server for the whole file: starting one takes about half a second. */
let couch;
/** A hand-made site to serve beside `/sync/`. */
let root;
before(async () => {
  couch = await startCouch();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'linkwork-couch-site-'));
  await fs.writeFile(path.join(root, 'index.html'), '<!doctype html><title>Sync site</title><main>site</main>');
});
after(async () => {
  await couch?.close();
  await fs.rm(root, { recursive: true, force: true });
});

/** A JSON request with Basic auth as `account` (or nobody), to a full URL. */
function send(url, method, account, body) {
  return fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(account ? { authorization: basicAuth(account.user, account.password) } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The app's static server with `/sync/` in front of the test server. */
async function syncServer(t) {
  const server = await startServer({ root, prefix: '/linkwork/', sync: couch.url });
  t.after(() => server.close());
  return { server, sync: `${new URL(server.url).origin}/sync` };
}

test('an account writes and reads a document with Basic auth through /sync/', async (t) => {
  const account = await makeAccount(couch);
  t.after(() => deleteDb(couch, account.db));
  const { server, sync } = await syncServer(t);

  const put = await send(`${sync}/${account.db}/note-1`, 'PUT', account, { cipher: 'AAAA' });
  assert.equal(put.status, 201);
  const { rev } = await put.json();
  // A Location into the CouchDB is pointed back under /sync, as nginx's proxy_redirect does.
  const location = put.headers.get('location');
  if (location) assert.equal(location, `/sync/${account.db}/note-1`);

  const get = await send(`${sync}/${account.db}/note-1`, 'GET', account);
  assert.equal(get.status, 200);
  assert.deepEqual(await get.json(), { _id: 'note-1', _rev: rev, cipher: 'AAAA' });
  assert.equal(await docCount(couch, account.db), 1);

  // Every request through the proxy is recorded, with both bodies as text.
  assert.deepEqual(
    server.proxied.map(({ method, path: where, status, done, error }) => ({ method, where, status, done, error })),
    [
      { method: 'PUT', where: `/sync/${account.db}/note-1`, status: 201, done: true, error: null },
      { method: 'GET', where: `/sync/${account.db}/note-1`, status: 200, done: true, error: null },
    ],
  );
  assert.equal(server.proxied[0].requestBody, '{"cipher":"AAAA"}');
  assert.match(server.proxied[1].responseBody, /"cipher":"AAAA"/);

  // The query string is passed on; the app's files are still served beside the proxy.
  const all = await send(`${sync}/${account.db}/_all_docs?include_docs=true`, 'GET', account);
  assert.equal((await all.json()).rows[0].doc.cipher, 'AAAA');
  assert.equal((await fetch(server.url)).status, 200);
  assert.equal((await fetch(`${new URL(server.url).origin}/synced`)).status, 404, 'only /sync and below');
});

test('someone who is not a member of the database is refused, and so is nobody', async (t) => {
  const owner = await makeAccount(couch);
  const other = await makeAccount(couch);
  t.after(() => Promise.all([deleteDb(couch, owner.db), deleteDb(couch, other.db)]));
  const { sync } = await syncServer(t);
  assert.equal((await send(`${sync}/${owner.db}/mine`, 'PUT', owner, { n: 1 })).status, 201);

  // pouchdb-server answers a signed-in non-member 401, CouchDB 403.
  const refused = couch.kind === 'couchdb' ? 403 : 401;
  assert.equal((await send(`${sync}/${owner.db}/mine`, 'GET', other)).status, refused);
  assert.equal((await send(`${sync}/${owner.db}/theirs`, 'PUT', other, { n: 2 })).status, refused);
  assert.equal((await send(`${sync}/${owner.db}/_all_docs`, 'GET', other)).status, refused);
  assert.equal((await send(`${sync}/${owner.db}/mine`, 'GET', null)).status, 401);
  assert.equal((await send(`${sync}/${owner.db}/mine`, 'GET', { ...owner, password: 'wrong' })).status, 401);
  // Other users' own databases are theirs alone too.
  assert.equal((await send(`${sync}/${other.db}/x`, 'PUT', owner, {})).status, refused);
  assert.equal(await docCount(couch, owner.db), 1);
  assert.equal(await docCount(couch, other.db), 0);
});

test('pause makes the server unreachable, and resume brings the same data back', async (t) => {
  const account = await makeAccount(couch);
  t.after(() => deleteDb(couch, account.db));
  t.after(() => couch.resume());
  const { server, sync } = await syncServer(t);
  const doc = `${account.db}/kept`;
  const put = await send(`${couch.url}/${doc}`, 'PUT', account, { cipher: 'BBBB' });
  assert.equal(put.status, 201);

  // 'down' (the default): connections are closed unanswered.
  couch.pause();
  await assert.rejects(send(`${couch.url}/${doc}`, 'GET', account), TypeError);
  const gateway = await send(`${sync}/${doc}`, 'GET', account);
  assert.equal(gateway.status, 502, 'the /sync/ proxy answers as nginx would');
  assert.ok(server.proxied.at(-1).error, 'the failure is recorded');

  couch.pause('503');
  assert.equal((await send(`${couch.url}/${doc}`, 'GET', account)).status, 503);

  couch.pause('hang');
  const hung = fetch(`${couch.url}/${doc}`, { signal: AbortSignal.timeout(300) });
  await assert.rejects(hung, { name: 'TimeoutError' });

  couch.resume();
  const back = await send(`${sync}/${doc}`, 'GET', account);
  assert.equal(back.status, 200);
  assert.deepEqual(await back.json(), { _id: 'kept', _rev: (await put.json()).rev, cipher: 'BBBB' });
  assert.equal(await docCount(couch, account.db), 1);
});

test('dumpServer returns every revision still held, older and deleted ones included', async (t) => {
  const account = await makeAccount(couch);
  t.after(() => deleteDb(couch, account.db));
  const url = (id) => `${couch.url}/${account.db}/${id}`;
  const first = await (await send(url('a'), 'PUT', account, { text: 'first secret' })).json();
  const second = await (await send(url('a'), 'PUT', account, { text: 'second', _rev: first.rev })).json();
  const gone = await (await send(url('b'), 'PUT', account, { text: 'deleted secret' })).json();
  assert.equal((await send(`${url('b')}?rev=${gone.rev}`, 'DELETE', account)).status, 200);
  // A conflicting branch, as a second device's replication would leave it.
  const bulk = await send(`${couch.url}/${account.db}/_bulk_docs`, 'POST', account, {
    new_edits: false,
    docs: [{ _id: 'a', _rev: `2-${'f'.repeat(32)}`, text: 'branch secret', _revisions: { start: 2, ids: ['f'.repeat(32), first.rev.slice(2)] } }],
  });
  assert.equal(bulk.status, 201);

  const dump = await dumpServer(couch, account.db);
  const revs = dump.map(({ id, rev, leaf }) => `${id} ${rev} ${leaf ? 'leaf' : 'older'}`).sort();
  const deleted = dump.find((entry) => entry.id === 'b' && entry.leaf);
  assert.deepEqual(revs, [
    `a ${first.rev} older`,
    `a ${second.rev} leaf`,
    `a 2-${'f'.repeat(32)} leaf`,
    `b ${gone.rev} older`,
    `b ${deleted.rev} leaf`,
  ].sort());
  assert.equal(deleted.doc._deleted, true);
  const text = dump.map((entry) => entry.text).join('\n');
  for (const secret of ['first secret', 'deleted secret', 'branch secret']) assert.ok(text.includes(secret), secret);
  const older = dump.find((entry) => entry.rev === first.rev);
  assert.equal(older.doc.text, 'first secret');
  assert.equal(JSON.parse(older.text).text, 'first secret', 'text is the JSON the server sent');
  assert.equal(await docCount(couch, account.db), 1, 'a (b is deleted)');
});

test('stop ends the server and restart brings it back empty but for the admin', async (t) => {
  if (!couch.canRestart) {
    await assert.rejects(couch.restart(), { code: 'ERR_COUCH_UNSUPPORTED' });
    return t.skip('SYNC_URL: a real CouchDB is not restarted by the tests');
  }
  const account = await makeAccount(couch);
  await couch.stop();
  await assert.rejects(fetch(`${couch.url}/`), TypeError);
  await couch.restart();
  const session = await couchRequest(couch, 'GET', '/_session');
  assert.deepEqual(session.json.userCtx.roles, ['_admin']);
  assert.equal((await couchRequest(couch, 'GET', `/${account.db}`)).status, 404, 'pouchdb-server keeps data in memory');
});

test('openApp passes /sync/ to the server and records requests that leave the origin', async (t) => {
  const account = await makeAccount(couch);
  t.after(() => deleteDb(couch, account.db));
  // A second local server, standing in for anywhere else.
  const elsewhere = await startServer({ root });
  t.after(() => elsewhere.close());
  const app = await openApp({ root, prefix: '/linkwork/', sync: couch.url });
  t.after(() => app.close());

  const status = await app.page.evaluate(
    async ({ db, auth }) => {
      const headers = { authorization: auth, 'content-type': 'application/json' };
      const put = await fetch(`/sync/${db}/from-page`, { method: 'PUT', headers, body: '{"cipher":"CCCC"}' });
      return put.status;
    },
    { db: account.db, auth: basicAuth(account.user, account.password) },
  );
  assert.equal(status, 201);
  assert.equal(app.proxied.length, 1);
  assert.equal(app.proxied[0].requestBody, '{"cipher":"CCCC"}');
  assert.deepEqual(app.offsite, [], 'the page and /sync/ are one origin');

  await app.page.evaluate((url) => fetch(url, { mode: 'no-cors' }), elsewhere.url);
  assert.deepEqual(app.offsite, [{ method: 'GET', url: elsewhere.url, type: 'fetch' }]);
  assert.deepEqual(app.errors, []);
});
