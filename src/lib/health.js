'use strict';

const { withTimeout } = require('./timeout');

const CHECK_TIMEOUT_MS = 2000;

async function probe(name, check, timeoutMs) {
  const started = Date.now();
  try {
    await withTimeout(Promise.resolve().then(check), timeoutMs, name);
    return { name, ok: true, ms: Date.now() - started };
  } catch (err) {
    return { name, ok: false, ms: Date.now() - started, error: err && err.message ? err.message : String(err) };
  }
}

// Both probes run in parallel, each bounded, so the whole check answers within one timeout.
async function checkHealth({ db, redis, timeoutMs = CHECK_TIMEOUT_MS }) {
  const results = await Promise.all([
    probe('mysql', () => db.query({ sql: 'SELECT 1', timeout: timeoutMs }), timeoutMs),
    probe('redis', async () => {
      const reply = await redis.ping();
      if (reply !== 'PONG') throw new Error(`unexpected PING reply ${JSON.stringify(reply)}`);
    }, timeoutMs),
  ]);
  const checks = {};
  for (const r of results) {
    checks[r.name] = r.ok ? { status: 'up', ms: r.ms } : { status: 'down', ms: r.ms, error: r.error };
  }
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  return { ok: failed.length === 0, failed, checks };
}

module.exports = { checkHealth, CHECK_TIMEOUT_MS };
