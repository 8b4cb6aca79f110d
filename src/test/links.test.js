'use strict';

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const request = require('supertest');
const { connectStores, openStores, closeStores, startApp, freePort } = require('./helpers');
const { cacheKey, hitsKey } = require('../lib/links');

// Every run uses fresh URLs, so the suite can be rerun against the same database.
const runId = randomUUID();
const uniqueUrl = (name) => `https://example.com/${runId}/${name}?q=${encodeURIComponent(name)}`;

describe('link shortener (MySQL + Redis)', { timeout: 30000 }, () => {
  let stores;
  let app;

  before(async () => {
    stores = await openStores();
    app = await startApp(stores);
  });

  after(async () => {
    if (app) await app.close();
    if (stores) await closeStores(stores);
  });

  async function createLink(name) {
    const url = uniqueUrl(name);
    const res = await request(app.baseUrl).post('/links').send({ url }).expect(201).expect('Content-Type', /json/);
    assert.match(res.body.code, /^[A-Za-z0-9]{7}$/);
    assert.equal(res.body.url, url);
    assert.equal(res.body.shortPath, `/l/${res.body.code}`);
    return res.body;
  }

  it('stores a new link as a row in the links table', async () => {
    const link = await createLink('stored');
    const [rows] = await stores.db.execute('SELECT url, hits FROM links WHERE code = ?', [link.code]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].url, link.url);
    assert.equal(Number(rows[0].hits), 0);
  });

  it('gives two links for the same URL different codes', async () => {
    const url = uniqueUrl('twice');
    const a = await request(app.baseUrl).post('/links').send({ url }).expect(201);
    const b = await request(app.baseUrl).post('/links').send({ url }).expect(201);
    assert.notEqual(a.body.code, b.body.code);
  });

  it('redirects with 302 and serves repeat lookups from the Redis cache', async () => {
    const link = await createLink('cached');
    assert.equal(await stores.redis.get(cacheKey(link.code)), null);

    const first = await request(app.baseUrl).get(`/l/${link.code}`).expect(302);
    assert.equal(first.headers.location, link.url);
    assert.equal(first.headers['x-cache'], 'miss');
    assert.equal(await stores.redis.get(cacheKey(link.code)), link.url);
    assert.ok((await stores.redis.ttl(cacheKey(link.code))) > 0, 'cache entry must expire');

    // Change the row behind the app's back: a cached answer still shows the old target.
    await stores.db.execute('UPDATE links SET url = ? WHERE code = ?', [uniqueUrl('changed'), link.code]);
    const second = await request(app.baseUrl).get(`/l/${link.code}`).expect(302);
    assert.equal(second.headers['x-cache'], 'hit');
    assert.equal(second.headers.location, link.url);
  });

  it('counts hits in Redis and reports them through the stats endpoint', async () => {
    const link = await createLink('counted');
    for (let i = 0; i < 3; i += 1) await request(app.baseUrl).get(`/l/${link.code}`).expect(302);
    assert.equal(await stores.redis.get(hitsKey(link.code)), '3');

    const stats = await request(app.baseUrl).get(`/links/${link.code}/stats`).expect(200);
    assert.equal(stats.body.code, link.code);
    assert.equal(stats.body.url, link.url);
    assert.equal(stats.body.hits, 3);
    assert.ok(!Number.isNaN(Date.parse(stats.body.createdAt)));

    // The stats call folded the Redis counter into MySQL.
    assert.equal(await stores.redis.get(hitsKey(link.code)), null);
    const [rows] = await stores.db.execute('SELECT hits FROM links WHERE code = ?', [link.code]);
    assert.equal(Number(rows[0].hits), 3);

    await request(app.baseUrl).get(`/l/${link.code}`).expect(302);
    const again = await request(app.baseUrl).get(`/links/${link.code}/stats`).expect(200);
    assert.equal(again.body.hits, 4);
  });

  it('flushes pending hits of every link into MySQL', async () => {
    const a = await createLink('flush-a');
    const b = await createLink('flush-b');
    await request(app.baseUrl).get(`/l/${a.code}`).expect(302);
    await request(app.baseUrl).get(`/l/${b.code}`).expect(302);
    await request(app.baseUrl).get(`/l/${b.code}`).expect(302);

    await app.links.flushAllHits();
    const [rows] = await stores.db.query('SELECT code, hits FROM links WHERE code IN (?, ?)', [a.code, b.code]);
    const hits = Object.fromEntries(rows.map((r) => [r.code, Number(r.hits)]));
    assert.deepEqual(hits, { [a.code]: 1, [b.code]: 2 });
  });

  it('still redirects, from MySQL, when Redis is down', async () => {
    const link = await createLink('no-redis');
    const closedPort = await freePort();
    const degraded = await connectStores({ redis: { host: '127.0.0.1', port: closedPort } });
    const degradedApp = await startApp(degraded);
    try {
      const res = await request(degradedApp.baseUrl).get(`/l/${link.code}`).timeout(10000).expect(302);
      assert.equal(res.headers.location, link.url);
      assert.equal(res.headers['x-cache'], 'miss');
    } finally {
      await degradedApp.close();
      await closeStores(degraded);
    }
  });

  it('answers 404 for an unknown code', async () => {
    const res = await request(app.baseUrl).get('/l/Zz9unknown').expect(404);
    assert.equal(res.body.error, 'unknown link code');
    await request(app.baseUrl).get('/links/Zz9unknown/stats').expect(404);
  });

  it('answers 400 for a malformed code', async () => {
    await request(app.baseUrl).get('/l/no-dashes').expect(400);
    await request(app.baseUrl).get('/links/x/stats').expect(400);
  });

  for (const [name, body] of [
    ['a missing url', {}],
    ['a url that is not a string', { url: 42 }],
    ['an empty url', { url: '  ' }],
    ['a relative url', { url: '/just/a/path' }],
    ['a non-http scheme', { url: 'javascript:alert(1)' }],
    ['an ftp url', { url: 'ftp://example.com/file' }],
    ['a url with credentials', { url: 'https://user:secret@example.com/' }],
    ['a url that is too long', { url: `https://example.com/${'a'.repeat(2100)}` }],
    ['a JSON array', [uniqueUrl('array')]],
  ]) {
    it(`rejects ${name} with 400`, async () => {
      const res = await request(app.baseUrl).post('/links').send(body).expect(400);
      assert.equal(typeof res.body.error, 'string');
    });
  }

  it('rejects a body that is not valid JSON with 400', async () => {
    const res = await request(app.baseUrl).post('/links').set('Content-Type', 'application/json').send('{"url": ').expect(400);
    assert.match(res.body.error, /JSON/);
  });

  it('rejects a body that is not JSON at all with 415', async () => {
    await request(app.baseUrl).post('/links').set('Content-Type', 'text/plain').send('https://example.com').expect(415);
  });

  it('answers 405 with an Allow header for the wrong method', async () => {
    const res = await request(app.baseUrl).get('/links').expect(405);
    assert.equal(res.headers.allow, 'POST');
  });
});
