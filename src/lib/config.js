'use strict';

// Every setting comes from the environment, so one image runs unchanged in
// testing, staging and production.

class ConfigError extends Error {}

function readString(env, name, fallback) {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function readPort(env, name, fallback, { allowZero = false } = {}) {
  const raw = readString(env, name, String(fallback));
  const value = Number(raw);
  const min = allowZero ? 0 : 1;
  if (!/^\d+$/.test(raw) || value < min || value > 65535) {
    throw new ConfigError(`${name} must be a port number (${min}-65535), got "${raw}"`);
  }
  return value;
}

function readPositiveInt(env, name, fallback) {
  const raw = readString(env, name, String(fallback));
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1) {
    throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function loadConfig(env = process.env) {
  return {
    // PORT=0 asks the OS for a free port; the tests start the real server that way.
    port: readPort(env, 'PORT', 3000, { allowZero: true }),
    version: readString(env, 'APP_VERSION', 'dev'),
    mysql: {
      host: readString(env, 'MYSQL_HOST', 'mysql'),
      port: readPort(env, 'MYSQL_PORT', 3306),
      user: readString(env, 'MYSQL_USER', 'root'),
      // An empty password is legitimate (MYSQL_ALLOW_EMPTY_PASSWORD), so only unset means empty.
      password: env.MYSQL_PASSWORD ?? '',
      database: readString(env, 'MYSQL_DATABASE', 'sample_app'),
    },
    redis: {
      host: readString(env, 'REDIS_HOST', 'redis'),
      port: readPort(env, 'REDIS_PORT', 6379),
    },
    hitFlushIntervalMs: readPositiveInt(env, 'HIT_FLUSH_INTERVAL_MS', 5000),
    linkCacheTtlSeconds: readPositiveInt(env, 'LINK_CACHE_TTL_SECONDS', 86400),
    shutdownTimeoutMs: readPositiveInt(env, 'SHUTDOWN_TIMEOUT_MS', 10000),
  };
}

module.exports = { loadConfig, ConfigError };
