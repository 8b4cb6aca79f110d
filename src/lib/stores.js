'use strict';

const mysql = require('mysql2/promise');
const Redis = require('ioredis');

const CONNECT_TIMEOUT_MS = 2000;

function createMysqlPool(config) {
  return mysql.createPool({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    connectionLimit: 10,
    // A missing database must fail a request within seconds, not hang it.
    connectTimeout: CONNECT_TIMEOUT_MS,
    enableKeepAlive: true,
    dateStrings: false,
  });
}

function createRedisClient(config, log = () => {}) {
  const client = new Redis({
    host: config.host,
    port: config.port,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: CONNECT_TIMEOUT_MS,
    // Fail a command after one reconnect attempt instead of queueing it for ever.
    maxRetriesPerRequest: 1,
    // Keep reconnecting while the process lives (Redis restarts are normal), but back off.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  // Without a listener ioredis prints every reconnect failure as an "unhandled error event".
  let lastError = '';
  client.on('error', (err) => {
    const message = err && err.message ? err.message : String(err);
    if (message !== lastError) {
      lastError = message;
      log({ msg: 'redis error', error: message });
    }
  });
  client.on('ready', () => {
    lastError = '';
  });
  return client;
}

module.exports = { createMysqlPool, createRedisClient, CONNECT_TIMEOUT_MS };
