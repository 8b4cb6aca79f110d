'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const request = require('supertest');
const { connectStores, openStores, closeStores, startApp, startBlackHole } = require('./helpers');
const { CHECK_TIMEOUT_MS } = require('../lib/health');

describe('GET /healthcheck', { timeout: 30000 }, () => {
  let stores;
  let app;
  let blackHole;

  before(async () => {
    stores = await openStores();
    app = await startApp({ ...stores, version: 'health-test' });
    blackHole = await startBlackHole();
  });

  after(async () => {
    if (app) await app.close();
    if (stores) await closeStores(stores);
    if (blackHole) await blackHole.close();
  });

  it('answers 200 when MySQL and Redis both answer', async () => {
    const res = await request(app.baseUrl).get('/healthcheck').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.checks.mysql.status, 'up');
    assert.equal(res.body.checks.redis.status, 'up');
  });

  // Each broken dependency is a server that accepts the connection and never answers,
  // the worst case for a health check: it must time out, not hang. Each case has its own app and
  // stores, so they wait out their timeouts side by side.
  describe('with a dependency that hangs', { concurrency: true }, () => {
    for (const [broken, healthy] of [['redis', 'mysql'], ['mysql', 'redis']]) {
      it(`answers 503 naming ${broken} as timed out and ${healthy} as up when ${broken} hangs`, async () => {
        const overrides = { [broken]: { host: '127.0.0.1', port: blackHole.port } };
        const brokenStores = await connectStores(overrides);
        const brokenApp = await startApp({ ...brokenStores });
        try {
          // The request timeout only turns a hang into a failure; how fast the app answers is not asserted.
          const res = await request(brokenApp.baseUrl).get('/healthcheck').timeout(CHECK_TIMEOUT_MS + 3000).expect(503);
          const body = JSON.stringify(res.body);
          assert.equal(res.body.status, 'unavailable', body);
          assert.deepEqual(res.body.failed, [broken], body);
          assert.equal(res.body.checks[broken].status, 'down', body);
          // The hanging dependency is reported as timed out (not refused, not a generic failure)...
          assert.match(res.body.checks[broken].error, /timed out|ETIMEDOUT/i, body);
          // ...and the healthy one is still reported up.
          assert.equal(res.body.checks[healthy].status, 'up', body);
        } finally {
          await brokenApp.close();
          await closeStores(brokenStores);
        }
      });
    }

    it('answers 503 naming both when neither is reachable', async () => {
      const brokenStores = await connectStores({
        mysql: { host: '127.0.0.1', port: blackHole.port },
        redis: { host: '127.0.0.1', port: blackHole.port },
      });
      const brokenApp = await startApp({ ...brokenStores });
      try {
        const res = await request(brokenApp.baseUrl).get('/healthcheck').timeout(CHECK_TIMEOUT_MS + 3000).expect(503);
        const body = JSON.stringify(res.body);
        assert.equal(res.body.status, 'unavailable', body);
        assert.deepEqual([...res.body.failed].sort(), ['mysql', 'redis'], body);
        for (const name of ['mysql', 'redis']) {
          assert.equal(res.body.checks[name].status, 'down', body);
          assert.match(res.body.checks[name].error, /timed out|ETIMEDOUT/i, body);
        }
      } finally {
        await brokenApp.close();
        await closeStores(brokenStores);
      }
    });
  });

  it('answers 503 while the server drains for shutdown', async () => {
    app.state.draining = true;
    try {
      const res = await request(app.baseUrl).get('/healthcheck').expect(503);
      assert.equal(res.body.status, 'draining');
      assert.equal(res.headers.connection, 'close');
    } finally {
      app.state.draining = false;
    }
  });
});

describe('GET /version', () => {
  it('reports the version the app was started with', async () => {
    const { createApp } = require('../lib/app');
    // /version touches neither store, so none is needed here.
    const app = createApp({ db: null, redis: null, version: 'v-123abc', log: () => {} });
    await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await request(app.server).get('/version').expect(200).expect('Content-Type', /json/);
      assert.deepEqual(res.body, { version: 'v-123abc' });
    } finally {
      await new Promise((resolve) => app.server.close(resolve));
    }
  });
});
