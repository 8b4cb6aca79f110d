'use strict';

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const request = require('supertest');
const { drainServer } = require('../lib/lifecycle');

const SERVER = path.join(__dirname, '..', 'server.js');

// Starts server.js as its own process (as the container does) on an ephemeral port and
// waits for its "listening" log line. waitForLog(match) resolves with the first JSON log line
// (already seen or still to come) that match accepts, and rejects if the process exits first.
function startServerProcess(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const entries = [];
  const watchers = [];
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding('utf8');
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // not JSON: keep it in lines for the failure message
      }
      entries.push(entry);
      for (const w of [...watchers]) {
        if (w.match(entry)) {
          watchers.splice(watchers.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  });
  child.stderr.on('data', (chunk) => lines.push(String(chunk)));
  exited.then(({ code, signal }) => {
    for (const w of watchers.splice(0)) {
      w.reject(new Error(`server.js exited (code ${code}, signal ${signal}) before logging ${w.what}:\n${lines.join('\n')}`));
    }
  });
  function waitForLog(match, what = String(match)) {
    const seen = entries.find(match);
    if (seen) return Promise.resolve(seen);
    if (child.exitCode !== null || child.signalCode !== null) {
      return Promise.reject(new Error(`server.js had exited before logging ${what}:\n${lines.join('\n')}`));
    }
    return new Promise((resolve, reject) => watchers.push({ match, what, resolve, reject }));
  }
  const listening = waitForLog((e) => e.msg === 'listening', 'listening').then((e) => `http://127.0.0.1:${e.port}`);
  // Tests that expect an early exit never await this promise.
  listening.catch(() => {});
  return { child, lines, entries, exited, listening, waitForLog };
}

// Sends the headers of a POST /links with "Expect: 100-continue" and holds its body back. Node's
// HTTP server answers "100 Continue" as it hands such a request to the app (server.js adds no
// checkContinue listener), so once `inHandler` resolves the request is inside the app, waiting for
// its body, and stays in flight until `finish()` sends the body.
function holdOpenCreateLink(baseUrl, url) {
  const body = JSON.stringify({ url });
  const req = http.request(`${baseUrl}/links`, {
    method: 'POST',
    agent: false,
    headers: {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Expect: '100-continue',
    },
  });
  const inHandler = new Promise((resolve, reject) => {
    req.once('continue', resolve);
    req.once('error', reject);
  });
  const response = new Promise((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
  });
  // Awaited later; until then a failure must not count as an unhandled rejection.
  inHandler.catch(() => {});
  response.catch(() => {});
  req.flushHeaders();
  return { inHandler, response, finish: () => req.end(body) };
}

describe('server.js process', { timeout: 30000 }, () => {
  it('serves APP_VERSION, finishes a request still in flight at SIGTERM, then exits 0', async () => {
    const version = `test-${randomUUID().slice(0, 8)}`;
    const proc = startServerProcess({ APP_VERSION: version });
    try {
      const baseUrl = await proc.listening;
      const res = await request(baseUrl).get('/version').expect(200);
      assert.deepEqual(res.body, { version });
      const health = await request(baseUrl).get('/healthcheck');
      assert.equal(health.status, 200, JSON.stringify(health.body));

      const url = `https://example.com/${randomUUID()}/in-flight-at-sigterm`;
      const held = holdOpenCreateLink(baseUrl, url);
      await held.inHandler;

      proc.child.kill('SIGTERM');
      // server.js logs this and starts draining in the same synchronous step, so from here on
      // the server is shutting down while the POST is still waiting for its body.
      await proc.waitForLog((e) => e.msg === 'shutting down', '"shutting down"');
      held.finish();

      const answer = await held.response;
      assert.equal(answer.status, 201, `the in-flight request must be answered, got: ${answer.text}`);
      assert.equal(JSON.parse(answer.text).url, url);

      const { code } = await proc.exited;
      assert.equal(code, 0, proc.lines.join('\n'));
      const at = (match) => proc.entries.findIndex(match);
      const shutdownAt = at((e) => e.msg === 'shutting down' && e.signal === 'SIGTERM');
      const postAt = at((e) => e.method === 'POST' && e.path === '/links');
      const stoppedAt = at((e) => e.msg === 'stopped');
      assert.ok(proc.entries.some((e) => e.path === '/version' && e.status === 200), 'one log line per request');
      assert.equal(proc.entries[postAt].status, 201);
      assert.ok(shutdownAt < postAt && postAt < stoppedAt,
        `order must be shutting down, POST /links answered, stopped:\n${proc.lines.join('\n')}`);
      assert.equal(proc.entries[stoppedAt].forced, false);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses to start with an invalid PORT', async () => {
    const proc = startServerProcess({ PORT: 'eighty' });
    const { code } = await proc.exited;
    assert.equal(code, 2);
    assert.match(proc.lines.join('\n'), /PORT must be a port number/);
  });
});

describe('drainServer', { timeout: 15000 }, () => {
  it('lets an in-flight request finish, closes idle keep-alive sockets and refuses new connections', async () => {
    let release;
    const released = new Promise((resolve) => { release = resolve; });
    let requestArrived;
    const arrived = new Promise((resolve) => { requestArrived = resolve; });
    let slowAnswered = false;
    const server = http.createServer(async (req, res) => {
      if (req.url === '/slow') {
        res.on('finish', () => { slowAnswered = true; });
        requestArrived();
        await released;
      }
      res.end('done');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const agent = new http.Agent({ keepAlive: true });

    // An idle keep-alive connection must not hold the shutdown open.
    await new Promise((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', path: '/fast', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
    });

    const slow = new Promise((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', path: '/slow' }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      }).on('error', reject);
    });
    await arrived;

    // Whatever the timing, the drain may only resolve once the in-flight request has been answered.
    const draining = drainServer(server, { timeoutMs: 5000 }).then((r) => ({ ...r, slowAnsweredFirst: slowAnswered }));
    assert.equal(server.listening, false, 'stops listening at once');

    const refused = await new Promise((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/fast' }, () => resolve(false)).on('error', () => resolve(true));
    });
    assert.equal(refused, true, 'new connections are refused while draining');

    release();
    assert.deepEqual(await slow, { status: 200, body: 'done' });
    assert.deepEqual(await draining, { forced: false, slowAnsweredFirst: true }, 'must wait for the in-flight request');
    agent.destroy();
  });

  it('cuts off requests that outlive the timeout and says so', async () => {
    let requestArrived;
    const arrived = new Promise((resolve) => { requestArrived = resolve; });
    const server = http.createServer(() => { requestArrived(); /* never answers */ });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const hung = new Promise((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/' }, () => resolve('answered')).on('error', () => resolve('cut off'));
    });
    await arrived;
    assert.deepEqual(await drainServer(server, { timeoutMs: 200 }), { forced: true });
    assert.equal(await hung, 'cut off');
  });
});
