'use strict';

const http = require('node:http');
const { checkHealth } = require('./health');
const { LinkStore, InvalidInput, isValidCode } = require('./links');
const { HttpError, sendJson, readJsonBody } = require('./http');

function logLine(fields) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`);
}

function methodNotAllowed(allowed) {
  return new HttpError(405, 'method not allowed', { Allow: allowed.join(', ') });
}

// Builds the request handler and the HTTP server around injected MySQL and Redis clients,
// so server.js, the tests and anything else share one code path.
function createApp({ db, redis, version = 'dev', linkCacheTtlSeconds = 86400, log = logLine }) {
  const links = new LinkStore({
    db,
    redis,
    cacheTtlSeconds: linkCacheTtlSeconds,
    onCacheError: (err) => log({ msg: 'redis cache unavailable, reading MySQL', error: err.message }),
  });
  const state = { draining: false };

  async function route(req, res, url) {
    const path = url.pathname;

    if (path === '/healthcheck') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      if (state.draining) {
        // Tell load balancers to stop sending traffic while in-flight requests finish.
        sendJson(res, 503, { status: 'draining' });
        return;
      }
      const health = await checkHealth({ db, redis });
      if (health.ok) {
        sendJson(res, 200, { status: 'ok', checks: health.checks });
      } else {
        sendJson(res, 503, { status: 'unavailable', failed: health.failed, checks: health.checks });
      }
      return;
    }

    if (path === '/version') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      sendJson(res, 200, { version });
      return;
    }

    if (path === '/links') {
      if (req.method !== 'POST') throw methodNotAllowed(['POST']);
      const body = await readJsonBody(req);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new HttpError(400, 'body must be a JSON object like {"url": "https://…"}');
      }
      const link = await links.create(body.url);
      sendJson(res, 201, { code: link.code, url: link.url, shortPath: `/l/${link.code}` }, {
        Location: `/links/${link.code}/stats`,
      });
      return;
    }

    let match = /^\/l\/([^/]+)$/.exec(path);
    if (match) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      const code = match[1];
      if (!isValidCode(code)) throw new HttpError(400, 'malformed link code');
      const target = await links.resolve(code);
      if (!target) throw new HttpError(404, 'unknown link code');
      if (req.method === 'GET') {
        // A lost hit is better than a failed redirect: count best-effort.
        await links.recordHit(code).catch((err) => log({ msg: 'hit not counted', code, error: err.message }));
      }
      res.writeHead(302, { Location: target.url, 'Cache-Control': 'no-store', 'X-Cache': target.cache, 'Content-Length': 0 });
      res.end();
      return;
    }

    match = /^\/links\/([^/]+)\/stats$/.exec(path);
    if (match) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(['GET', 'HEAD']);
      const code = match[1];
      if (!isValidCode(code)) throw new HttpError(400, 'malformed link code');
      const stats = await links.stats(code);
      if (!stats) throw new HttpError(404, 'unknown link code');
      sendJson(res, 200, stats);
      return;
    }

    throw new HttpError(404, 'not found');
  }

  async function handle(req, res) {
    const started = process.hrtime.bigint();
    if (state.draining) res.setHeader('Connection', 'close');
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log({ method: req.method, path: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    try {
      let url;
      try {
        url = new URL(req.url, 'http://localhost');
      } catch {
        throw new HttpError(400, 'malformed request path');
      }
      await route(req, res, url);
    } catch (err) {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message }, err.headers);
      } else if (err instanceof InvalidInput) {
        sendJson(res, 400, { error: err.message });
      } else {
        log({ msg: 'request failed', method: req.method, path: req.url, error: err && err.message ? err.message : String(err) });
        sendJson(res, 500, { error: 'internal error' });
      }
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res);
  });
  // Shorter than a typical load balancer's idle timeout would cause 502s; longer keeps sockets forever.
  server.keepAliveTimeout = 65000;
  server.headersTimeout = 66000;

  return { server, links, state };
}

module.exports = { createApp, logLine };
