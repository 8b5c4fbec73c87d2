// A CouchDB-compatible server for the sync tests (node:test, pouchdb-server, nothing else).
//
//   const couch = await startCouch();
//   t.after(() => couch.close());
//   const account = await makeAccount(couch, { db: 'caseload', user: 'kim', password: 'pw' });
//   const app = await openApp({ prefix: '/linkwork/', sync: couch.url });
//   ...
//   const dump = await dumpServer(couch, account.db);
//   assert.ok(!dump.some((entry) => entry.text.includes('Riverside')));
//
// By default it starts pouchdb-server (in memory, on a free port on 127.0.0.1). With
// SYNC_URL set (e.g. `http://admin:pw@127.0.0.1:5984`) the same tests run against that real
// CouchDB 3 instead, with the admin named in the URL.
//
// Tests talk to the server through a small TCP proxy of ours (`couch.url`), so that
// `pause()` can make the server unreachable without losing its data.
//
// Known differences between pouchdb-server 4.2.0 and CouchDB 3, seen with curl:
// - a signed-in user who is not a member of a database gets 401 from pouchdb-server, 403
//   from CouchDB;
// - a database without a `_security` object is open to everyone on pouchdb-server;
// - once an admin exists, a `PUT /db` by a non-admin crashes pouchdb-server, so only
//   `makeAccount` creates databases;
// - pouchdb-server ignores the `timeout` of a longpoll `_changes` feed;
// - `_bulk_docs` answers 201 even when every document in it is a conflict (each result
//   carries `error: "conflict"`);
// - the config lives at `/_config` on pouchdb-server, `/_node/_local/_config` on CouchDB.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The pouchdb-server script installed by npm (package.json devDependencies). */
const POUCHDB_SERVER = fileURLToPath(
  new URL('../../node_modules/pouchdb-server/bin/pouchdb-server', import.meta.url),
);

/** How long pouchdb-server may take to answer its first request. */
const START_TIMEOUT_MS = 10_000;

/**
 * Runs pouchdb-server in the child process and ends it, removing its working folder, as
 * soon as the test process that started it goes away, however that happens (its stdin, a
 * pipe from us, then closes): a test process killed by the test runner leaves no server
 * behind.
 */
const WATCHDOG = `
const end = () => {
  require('node:fs').rmSync(process.cwd(), { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', end).on('error', end).resume();
const [script, ...args] = process.argv.slice(1);
process.argv = [process.argv[0], script, ...args];
require(script);
`;

/** Every pouchdb-server process still running and its folder, to clean up when we exit. */
const children = new Set();
const folders = new Set();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** Databases and users `makeAccount` made on each server, removed again by `close()`. */
const made = new WeakMap();

/**
 * The value of an `Authorization` header for HTTP Basic auth. (Node's fetch refuses URLs
 * with credentials in them, so tests send this header instead.)
 *
 * @param {string} user
 * @param {string} password
 */
export function basicAuth(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Sends one request to the server and reads the whole answer. The body, unless a string,
 * is sent as JSON. Signs in as the admin unless `auth` names someone else (or is null, for
 * nobody).
 *
 * @param {{url: string, admin: {user: string, password: string}}} couch
 * @param {string} method
 * @param {string} target the path and query, e.g. '/db/_changes?style=all_docs'
 * @param {{body?: unknown, auth?: {user: string, password: string} | null, headers?: Record<string, string>}} [options]
 * @returns {Promise<{status: number, text: string, json: any}>} json is null unless the answer is JSON
 */
export async function couchRequest(couch, method, target, { body, auth = couch.admin, headers = {} } = {}) {
  const response = await fetch(couch.url + target, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(auth ? { authorization: basicAuth(auth.user, auth.password) } : {}),
      ...headers,
    },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the caller has the text.
  }
  return { status: response.status, text, json };
}

/** Like `couchRequest`, but fails unless the status is one of `ok`. */
async function expect(couch, ok, method, target, options) {
  const answer = await couchRequest(couch, method, target, options);
  if (!ok.includes(answer.status)) {
    throw new Error(`${method} ${target}: expected ${ok.join(' or ')}, got ${answer.status} ${answer.text.trim()}`);
  }
  return answer;
}

/** A database name or document id as one URL path segment ('_design/x' keeps its slash). */
function segment(name) {
  const special = /^(_design|_local)\/(.*)$/s.exec(name);
  return special ? `${special[1]}/${encodeURIComponent(special[2])}` : encodeURIComponent(name);
}

/** A random lower-case hex string, for names and passwords. */
const randomHex = (bytes = 6) => crypto.randomBytes(bytes).toString('hex');

/** A TCP port that was free a moment ago on 127.0.0.1. */
async function freePort() {
  const probe = net.createServer();
  await new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A TCP proxy on a free port of 127.0.0.1 that passes every connection on to
 * `target()` (host and port, read for each new connection, so the server behind it can be
 * restarted elsewhere). `pause(how)` makes the server unreachable: open connections are cut
 * at once and new ones are
 * - 'down': accepted and closed straight away, unanswered (like a server that is down),
 * - '503': answered `503 Service Unavailable` (like a gateway whose server is down),
 * - 'hang': accepted and never answered (like a lost network), until resumed or closed.
 * `resume()` lets connections through again.
 *
 * @param {() => {host: string, port: number} | null} target null while there is no server
 */
async function startGate(target) {
  let paused = null;
  const open = new Set();
  const held = new Set(); // connections 'hang' accepted and never answered
  // Plain destroy(), not resetAndDestroy(): sockets reset that way made node 20 spin at
  // 100% CPU when the process exited.
  const cut = (socket) => socket.destroy();
  const server = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    const to = target();
    if (paused === 'hang') {
      held.add(client);
      return;
    }
    if (paused === '503') {
      const body = '{"error":"unavailable","reason":"paused by the test"}\n';
      client.once('data', () =>
        client.end(
          'HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n' +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ),
      );
      return;
    }
    if (paused === 'down' || !to) return cut(client);
    const upstream = net.connect(to.port, to.host);
    upstream.on('error', () => cut(client));
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  // An open gate alone does not keep the test process alive.
  server.unref();
  const cutAll = () => {
    for (const socket of open) cut(socket);
  };
  return {
    port: server.address().port,
    pause(how = 'down') {
      if (!['down', '503', 'hang'].includes(how)) throw new Error(`pause: unknown way ${how}`);
      paused = how;
      cutAll();
    },
    resume() {
      paused = null;
      // Connections held by 'hang' were never answered: they end now, and their clients
      // retry. Others opened since (none while 'down' or '503') are left alone.
      for (const socket of held) cut(socket);
      held.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.ref(); // keeps the test process alive until it is closed
        server.close(() => resolve());
        cutAll();
      }),
  };
}

/**
 * Spawns pouchdb-server, in memory, on a free port of 127.0.0.1, with its config file in
 * `dir` and `dir` as its working folder (it writes `log.txt` there), and waits until it
 * answers `GET /`. Retries on another port if the chosen one was taken meanwhile.
 *
 * @param {string} dir
 * @returns {Promise<{child: import('node:child_process').ChildProcess, port: number}>}
 */
async function spawnPouchdbServer(dir) {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const args = ['-m', '-n', '-o', '127.0.0.1', '-p', String(port), '-c', path.join(dir, 'config.json'), '-d', `${dir}/`];
    // Its error output goes to a file rather than a pipe, which would keep the test process
    // alive as long as the server runs.
    const errors = path.join(dir, 'stderr.txt');
    const errorsFd = fs.openSync(errors, 'w');
    const child = spawn(process.execPath, ['-e', WATCHDOG, POUCHDB_SERVER, ...args], {
      cwd: dir,
      stdio: ['pipe', 'ignore', errorsFd],
    });
    fs.closeSync(errorsFd);
    children.add(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.once('exit', () => children.delete(child));
    // A forgotten close() must not keep the test process alive (the watchdog then ends it).
    child.unref();

    const deadline = Date.now() + START_TIMEOUT_MS;
    let status = 'starting';
    while (status === 'starting') {
      const answer = await Promise.race([
        fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false),
        exited.then((how) => ({ exited: how })),
      ]);
      if (answer === true) status = 'up';
      else if (answer?.exited !== undefined) status = 'exited';
      else if (Date.now() > deadline) status = 'timeout';
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (status === 'up') return { child, port };
    child.kill('SIGKILL');
    const tail = (name) => {
      try {
        return fs.readFileSync(path.join(dir, name), 'utf8').slice(-2000);
      } catch {
        return ''; // It did not get as far as writing it.
      }
    };
    const output = tail('stderr.txt') + tail('log.txt');
    if (status === 'exited' && /EADDRINUSE/.test(output) && attempt < 3) continue;
    throw new Error(`pouchdb-server did not start (${status}):\n${output}`);
  }
}

/**
 * Starts a CouchDB-compatible server for one test (file) and makes sure it has an admin.
 *
 * - `url`: where to reach it (our gate; no trailing slash, no credentials).
 * - `admin`: the admin's name and password.
 * - `kind`: 'pouchdb-server' or 'couchdb' (from its `GET /`).
 * - `pause(how)` / `resume()`: make it unreachable for a while, keeping its data (see
 *   startGate for `how`: 'down', '503' or 'hang').
 * - `stop()`: ends pouchdb-server (it forgets everything; requests then fail until
 *   `restart()`), `restart()`: starts it again, empty but for the admin. Both throw an error
 *   with code 'ERR_COUCH_UNSUPPORTED' with SYNC_URL (`canRestart` tells beforehand).
 * - `close()`: ends everything it started and, with SYNC_URL, deletes the databases and
 *   users `makeAccount` made.
 *
 * @returns {Promise<{url: string, admin: {user: string, password: string}, kind: 'pouchdb-server' | 'couchdb',
 *   canRestart: boolean, pause: (how?: 'down' | '503' | 'hang') => void, resume: () => void,
 *   stop: () => Promise<void>, restart: () => Promise<void>, close: () => Promise<void>}>}
 */
export async function startCouch() {
  return process.env.SYNC_URL ? useRealCouch(process.env.SYNC_URL) : startPouchdbServer();
}

/** `startCouch` without SYNC_URL: a pouchdb-server of our own. */
async function startPouchdbServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkwork-couch-'));
  folders.add(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), '{}\n');
  let server = null;
  const gate = await startGate(() => server && { host: '127.0.0.1', port: server.port });
  const couch = {
    url: `http://127.0.0.1:${gate.port}`,
    admin: { user: 'admin', password: randomHex(12) },
    kind: 'pouchdb-server',
    canRestart: true,
    pause: gate.pause,
    resume: gate.resume,
    async stop() {
      const child = server?.child;
      server = null;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.ref(); // keeps the test process alive until it is gone
        child.kill('SIGKILL');
      });
    },
    async restart() {
      await couch.stop();
      server = await spawnPouchdbServer(dir);
      // The admin is kept in config.json, so it survives; make sure of it all the same.
      await ensureAdmin(couch, '/_config');
    },
    async close() {
      await couch.stop();
      await gate.close();
      fs.rmSync(dir, { recursive: true, force: true });
      folders.delete(dir);
    },
  };
  try {
    server = await spawnPouchdbServer(dir);
    await ensureAdmin(couch, '/_config');
  } catch (error) {
    await couch.close();
    throw error;
  }
  return couch;
}

/**
 * `startCouch` with SYNC_URL: the real CouchDB there, behind a gate of ours when it speaks
 * plain HTTP (with HTTPS the gate cannot stand in for it, so `pause` throws as well).
 */
async function useRealCouch(syncUrl) {
  const real = new URL(syncUrl);
  if (!real.username) throw new Error('SYNC_URL must name the admin: http://admin:password@host:5984');
  const admin = { user: decodeURIComponent(real.username), password: decodeURIComponent(real.password) };
  const base = `${real.origin}${real.pathname.replace(/\/+$/, '')}`;
  const unsupported = (what) => () => {
    const error = new Error(`${what} needs the local pouchdb-server; SYNC_URL points at a real CouchDB`);
    error.code = 'ERR_COUCH_UNSUPPORTED';
    throw error;
  };
  const gate =
    real.protocol === 'http:' && real.pathname.replace(/\/+$/, '') === ''
      ? await startGate(() => ({ host: real.hostname, port: Number(real.port || 80) }))
      : null;
  const couch = {
    url: gate ? `http://127.0.0.1:${gate.port}` : base,
    admin,
    kind: 'couchdb',
    canRestart: false,
    pause: gate ? gate.pause : unsupported('pause()'),
    resume: gate ? gate.resume : unsupported('resume()'),
    stop: async () => unsupported('stop()')(),
    restart: async () => unsupported('restart()')(),
    async close() {
      const { dbs, users } = made.get(couch) ?? { dbs: new Set(), users: new Set() };
      try {
        for (const db of dbs) await deleteDb(couch, db);
        for (const user of users) {
          const id = `/_users/${segment(`org.couchdb.user:${user}`)}`;
          const doc = await couchRequest(couch, 'GET', id);
          if (doc.status === 200) await couchRequest(couch, 'DELETE', `${id}?rev=${doc.json._rev}`);
        }
      } finally {
        await gate?.close();
      }
    },
  };
  try {
    const welcome = await couchRequest(couch, 'GET', '/', { auth: null });
    if (welcome.json?.['express-pouchdb']) couch.kind = 'pouchdb-server';
    await ensureAdmin(couch, couch.kind === 'couchdb' ? '/_node/_local/_config' : '/_config');
    // A fresh single-node CouchDB 3 may not have its users database yet.
    if (couch.kind === 'couchdb') await expect(couch, [201, 202, 412], 'PUT', '/_users');
  } catch (error) {
    await gate?.close();
    throw error;
  }
  return couch;
}

/**
 * Makes sure `couch.admin` signs in as an admin, creating that admin through the config at
 * `config` if the server has none yet (pouchdb-server starts without one; a real CouchDB
 * only in "admin party").
 */
async function ensureAdmin(couch, config) {
  const isAdmin = async () => {
    const session = await couchRequest(couch, 'GET', '/_session');
    return session.status === 200 && session.json.userCtx?.roles?.includes('_admin');
  };
  if (await isAdmin()) return;
  await couchRequest(couch, 'PUT', `${config}/admins/${segment(couch.admin.user)}`, {
    body: JSON.stringify(couch.admin.password),
    auth: null,
  });
  if (!(await isAdmin())) throw new Error(`${couch.url}: cannot sign in as admin ${couch.admin.user}`);
}

/**
 * As admin, makes a database that only one (new) user may use, the way the app's
 * deployment is meant to be set up: creates the database, creates the user in `_users`
 * (type 'user', no roles) and names that user as the database's only member, with no
 * database admins. Names left out are made up. Running it again with the same names is
 * fine (the password is then set anew).
 *
 * @param {Awaited<ReturnType<typeof startCouch>>} couch
 * @param {{db?: string, user?: string, password?: string}} [names]
 * @returns {Promise<{db: string, user: string, password: string}>}
 */
export async function makeAccount(couch, { db = `linkwork-${randomHex()}`, user = `worker-${randomHex()}`, password = randomHex(12), admin = false } = {}) {
  if (!made.has(couch)) made.set(couch, { dbs: new Set(), users: new Set() });
  await expect(couch, [201, 202, 412], 'PUT', `/${segment(db)}`);
  made.get(couch).dbs.add(db);

  const id = `/_users/${segment(`org.couchdb.user:${user}`)}`;
  const doc = { _id: `org.couchdb.user:${user}`, name: user, password, type: 'user', roles: [] };
  const existing = await couchRequest(couch, 'GET', id);
  if (existing.status === 200) doc._rev = existing.json._rev;
  await expect(couch, [201, 202], 'PUT', id, { body: doc });
  made.get(couch).users.add(user);

  await expect(couch, [200, 201], 'PUT', `/${segment(db)}/_security`, {
    // `admin`: the worker also administers their own database, so the app can compact it
    // (drop old revisions) after a person is deleted.
    body: { members: { names: [user], roles: [] }, admins: { names: admin ? [user] : [], roles: [] } },
  });
  return { db, user, password };
}

/**
 * As admin, every revision of every document the server still holds in `db`, as the raw
 * JSON text it sent (to search for plaintext) and parsed. Deleted documents and conflicting
 * branches are included; revisions the server has compacted away are not (it no longer
 * has them). Attachments come inline (base64 in `text`); `attachments` has them decoded
 * as UTF-8 text, by name.
 *
 * Found from the `_changes` feed (`style=all_docs`: every leaf), then for each document
 * `open_revs=all&revs=true` (each leaf with its history) and `revs_info=true` (the winning
 * branch's revisions and whether each is still there), then each older revision by `?rev=`.
 *
 * @param {Awaited<ReturnType<typeof startCouch>>} couch
 * @param {string} db
 * @returns {Promise<Array<{id: string, rev: string, leaf: boolean, text: string, doc: any, attachments: Record<string, string>}>>}
 */
export async function dumpServer(couch, db) {
  const base = `/${segment(db)}`;
  const changes = await expect(couch, [200], 'GET', `${base}/_changes?style=all_docs`);
  const ids = [...new Set(changes.json.results.map((change) => change.id))];
  const entries = [];
  const entry = (id, rev, leaf, text, doc) => {
    const attachments = {};
    for (const [name, attachment] of Object.entries(doc._attachments ?? {})) {
      if (attachment.data) attachments[name] = Buffer.from(attachment.data, 'base64').toString('utf8');
    }
    entries.push({ id, rev, leaf, text, doc, attachments });
  };
  for (const id of ids) {
    const doc = `${base}/${segment(id)}`;
    // Every leaf, each with the ids of its ancestors.
    const leaves = await expect(couch, [200], 'GET', `${doc}?open_revs=all&revs=true&attachments=true`, {
      headers: { accept: 'application/json' },
    });
    const revs = new Map(); // rev -> the leaf's body from open_revs, or null for older ones
    for (const item of leaves.json) {
      if (!item.ok) continue;
      revs.set(item.ok._rev, item.ok);
      const { start, ids: hashes } = item.ok._revisions ?? { start: 0, ids: [] };
      hashes.slice(1).forEach((hash, i) => {
        const rev = `${start - 1 - i}-${hash}`;
        if (!revs.has(rev)) revs.set(rev, null);
      });
    }
    // The winning branch as revs_info lists it (a deleted document answers 404 here).
    const info = await couchRequest(couch, 'GET', `${doc}?revs_info=true`);
    for (const { rev, status } of info.json?._revs_info ?? []) {
      if (status === 'available' && !revs.has(rev)) revs.set(rev, null);
    }
    // Each revision on its own, for the exact text the server sends.
    for (const [rev, leaf] of revs) {
      const body = await couchRequest(couch, 'GET', `${doc}?rev=${encodeURIComponent(rev)}&attachments=true`);
      if (body.status === 200) entry(id, rev, Boolean(leaf), body.text, body.json);
      else if (leaf) entry(id, rev, true, JSON.stringify(leaf), leaf);
    }
  }
  return entries;
}

/**
 * As admin, deletes a database (no error if there is none).
 *
 * @param {Awaited<ReturnType<typeof startCouch>>} couch
 * @param {string} db
 */
export async function deleteDb(couch, db) {
  await expect(couch, [200, 202, 404], 'DELETE', `/${segment(db)}`);
  made.get(couch)?.dbs.delete(db);
}

/**
 * As admin, how many documents (not deleted, design documents included) `db` holds.
 *
 * @param {Awaited<ReturnType<typeof startCouch>>} couch
 * @param {string} db
 * @returns {Promise<number>}
 */
export async function docCount(couch, db) {
  return (await expect(couch, [200], 'GET', `/${segment(db)}`)).json.doc_count;
}
