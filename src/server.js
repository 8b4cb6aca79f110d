'use strict';

const { loadConfig, ConfigError } = require('./lib/config');
const { createMysqlPool, createRedisClient } = require('./lib/stores');
const { createApp, logLine } = require('./lib/app');
const { drainServer } = require('./lib/lifecycle');
const { withTimeout } = require('./lib/timeout');

function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const db = createMysqlPool(config.mysql);
  const redis = createRedisClient(config.redis, logLine);
  const { server, links, state } = createApp({
    db,
    redis,
    version: config.version,
    linkCacheTtlSeconds: config.linkCacheTtlSeconds,
  });

  const flushTimer = setInterval(() => {
    links.flushAllHits().catch((err) => logLine({ msg: 'hit flush failed', error: err.message }));
  }, config.hitFlushIntervalMs);
  flushTimer.unref();

  let shuttingDown = false;
  async function shutdown(signal) {
    if (shuttingDown) return;
    shuttingDown = true;
    state.draining = true;
    logLine({ msg: 'shutting down', signal });
    clearInterval(flushTimer);
    const { forced } = await drainServer(server, { timeoutMs: config.shutdownTimeoutMs });
    try {
      await links.flushAllHits();
    } catch (err) {
      logLine({ msg: 'final hit flush failed', error: err.message });
    }
    await Promise.allSettled([
      withTimeout(db.end(), 3000, 'closing the MySQL pool'),
      redis.status === 'ready' ? withTimeout(redis.quit(), 3000, 'closing the Redis connection') : null,
    ]);
    redis.disconnect();
    logLine({ msg: 'stopped', forced });
    process.exit(forced ? 1 : 0);
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  server.on('error', (err) => {
    logLine({ msg: 'server error', error: err.message });
    process.exit(1);
  });
  server.listen(config.port, () => {
    logLine({
      msg: 'listening',
      port: server.address().port,
      version: config.version,
      mysql: `${config.mysql.host}:${config.mysql.port}/${config.mysql.database}`,
      redis: `${config.redis.host}:${config.redis.port}`,
    });
  });
}

main();
