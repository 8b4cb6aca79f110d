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
// waits for its "listening" log line.
function startServerProcess(env) {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        try {
          const entry = JSON.parse(line);
          if (entry.msg === 'listening') resolve(`http://127.0.0.1:${entry.port}`);
        } catch { /* not JSON: keep it in lines for the failure message */ }
      }
    });
    child.stderr.on('data', (chunk) => lines.push(String(chunk)));
    exited.then(({ code }) => reject(new Error(`server.js exited with ${code} before listening:\n${lines.join('\n')}`)));
  });
  // Tests that expect an early exit never await this promise.
  listening.catch(() => {});
  return { child, lines, exited, listening };
}

describe('server.js process', { timeout: 30000 }, () => {
  it('serves APP_VERSION and exits 0 on SIGTERM after finishing its requests', async () => {
    const version = `test-${randomUUID().slice(0, 8)}`;
    const proc = startServerProcess({ APP_VERSION: version });
    try {
      const baseUrl = await proc.listening;
      const res = await request(baseUrl).get('/version').expect(200);
      assert.deepEqual(res.body, { version });
      const health = await request(baseUrl).get('/healthcheck');
      assert.equal(health.status, 200, JSON.stringify(health.body));

      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      assert.equal(code, 0, proc.lines.join('\n'));
      const logged = proc.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } });
      assert.ok(logged.some((e) => e.path === '/version' && e.status === 200), 'one log line per request');
      assert.ok(logged.some((e) => e.msg === 'stopped' && e.forced === false));
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
    const server = http.createServer(async (req, res) => {
      if (req.url === '/slow') {
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

    let drained = false;
    const draining = drainServer(server, { timeoutMs: 5000 }).then((r) => { drained = true; return r; });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(drained, false, 'must wait for the in-flight request');

    const refused = await new Promise((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/fast' }, () => resolve(false)).on('error', () => resolve(true));
    });
    assert.equal(refused, true, 'new connections are refused while draining');

    release();
    assert.deepEqual(await slow, { status: 200, body: 'done' });
    assert.deepEqual(await draining, { forced: false });
    agent.destroy();
  });

  it('cuts off requests that outlive the timeout and says so', async () => {
    const server = http.createServer(() => { /* never answers */ });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const hung = new Promise((resolve) => {
      http.get({ port, host: '127.0.0.1', path: '/' }, () => resolve('answered')).on('error', () => resolve('cut off'));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(await drainServer(server, { timeoutMs: 200 }), { forced: true });
    assert.equal(await hung, 'cut off');
  });
});
