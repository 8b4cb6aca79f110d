'use strict';

// Shared set-up for the integration tests. They need a real MySQL (schema imported from
// docker/database.sql) and a real Redis, found through the same env vars as the app.

const net = require('node:net');
const { loadConfig } = require('../lib/config');
const { createMysqlPool, createRedisClient } = require('../lib/stores');
const { createApp } = require('../lib/app');
const { withTimeout } = require('../lib/timeout');

const config = loadConfig(process.env);

async function connectStores(overrides = {}) {
  const mysqlConfig = { ...config.mysql, ...overrides.mysql };
  const redisConfig = { ...config.redis, ...overrides.redis };
  const db = createMysqlPool(mysqlConfig);
  const redis = createRedisClient(redisConfig);
  return { db, redis, mysqlConfig, redisConfig };
}

// Fails the suite with a clear message (instead of hanging) when a dependency is missing.
async function requireStores({ db, redis, mysqlConfig, redisConfig }) {
  try {
    await withTimeout(db.query('SELECT 1 FROM links LIMIT 1'), 5000, 'MySQL');
  } catch (err) {
    throw new Error(`MySQL at ${mysqlConfig.host}:${mysqlConfig.port}/${mysqlConfig.database} is not usable ` +
      `(${err.message}). Start it and import docker/database.sql.`);
  }
  try {
    await withTimeout(redis.ping(), 5000, 'Redis');
  } catch (err) {
    throw new Error(`Redis at ${redisConfig.host}:${redisConfig.port} is not usable (${err.message}).`);
  }
}

// Connects and checks both stores. On failure it closes them before throwing: Node 18's runner
// skips `after` hooks when `before` fails, and a reconnecting Redis client would keep the test
// process (and so `npm test`) alive for ever.
async function openStores(overrides = {}) {
  const stores = await connectStores(overrides);
  try {
    await requireStores(stores);
  } catch (err) {
    await closeStores(stores);
    throw err;
  }
  return stores;
}

async function closeStores({ db, redis }) {
  // QUIT only makes sense on a live connection; a hung or absent Redis is just dropped.
  const quit = redis.status === 'ready' ? withTimeout(redis.quit(), 3000, 'Redis close') : Promise.resolve();
  await Promise.allSettled([withTimeout(db.end(), 3000, 'MySQL close'), quit]);
  redis.disconnect();
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// Starts the real HTTP server on an ephemeral port, quiet, with the given MySQL/Redis clients.
async function startApp({ db, redis, version = 'test' }) {
  const app = createApp({ db, redis, version, log: () => {} });
  const baseUrl = await listen(app.server);
  return { ...app, baseUrl, close: () => closeServer(app.server) };
}

// A TCP server that accepts connections and never answers: a hung dependency.
async function startBlackHole() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

// A loopback port nothing listens on: connections to it are refused at once.
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

module.exports = { config, connectStores, openStores, requireStores, closeStores, startApp, startBlackHole, freePort };
