'use strict';

const crypto = require('node:crypto');

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CODE_LENGTH = 7;
const CODE_PATTERN = /^[A-Za-z0-9]{4,16}$/;
const MAX_URL_LENGTH = 2048;
const KEY_PREFIX = 'sample-app:';

class InvalidInput extends Error {}

function validateUrl(input) {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new InvalidInput('"url" must be a non-empty string');
  }
  const text = input.trim();
  if (text.length > MAX_URL_LENGTH) {
    throw new InvalidInput(`"url" must be at most ${MAX_URL_LENGTH} characters`);
  }
  let parsed;
  try {
    parsed = new URL(text);
  } catch {
    throw new InvalidInput('"url" is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidInput('"url" must use http or https');
  }
  if (!parsed.hostname) {
    throw new InvalidInput('"url" must name a host');
  }
  if (parsed.username || parsed.password) {
    throw new InvalidInput('"url" must not carry credentials');
  }
  return parsed.href;
}

function isValidCode(code) {
  return typeof code === 'string' && CODE_PATTERN.test(code);
}

function newCode() {
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  const limit = 256 - (256 % CODE_ALPHABET.length);
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of crypto.randomBytes(CODE_LENGTH * 2)) {
      if (byte < limit && code.length < CODE_LENGTH) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
  }
  return code;
}

const cacheKey = (code) => `${KEY_PREFIX}link:${code}`;
const hitsKey = (code) => `${KEY_PREFIX}hits:${code}`;
const DIRTY_SET = `${KEY_PREFIX}hits:dirty`;

// Links live in MySQL. Redis holds a read-through cache (code -> url) and hit counters that
// are cheap to bump on every redirect and are folded into links.hits in batches.
class LinkStore {
  constructor({ db, redis, cacheTtlSeconds = 86400, onCacheError = () => {} }) {
    this.db = db;
    this.redis = redis;
    this.cacheTtlSeconds = cacheTtlSeconds;
    this.onCacheError = onCacheError;
  }

  async create(rawUrl) {
    const url = validateUrl(rawUrl);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const code = newCode();
      try {
        await this.db.execute('INSERT INTO links (code, url) VALUES (?, ?)', [code, url]);
        return { code, url };
      } catch (err) {
        if (err && err.code === 'ER_DUP_ENTRY') continue;
        throw err;
      }
    }
    throw new Error('could not allocate a unique code after 5 attempts');
  }

  // Returns the target URL or null. Cache misses fall through to MySQL and fill the cache.
  // Redis is only a cache here: when it fails, MySQL still answers.
  async resolve(code) {
    let cached = null;
    try {
      cached = await this.redis.get(cacheKey(code));
    } catch (err) {
      this.onCacheError(err);
    }
    if (cached !== null) return { url: cached, cache: 'hit' };
    const [rows] = await this.db.execute('SELECT url FROM links WHERE code = ?', [code]);
    if (rows.length === 0) return null;
    try {
      await this.redis.set(cacheKey(code), rows[0].url, 'EX', this.cacheTtlSeconds);
    } catch (err) {
      this.onCacheError(err);
    }
    return { url: rows[0].url, cache: 'miss' };
  }

  async recordHit(code) {
    await this.redis.multi().incr(hitsKey(code)).sadd(DIRTY_SET, code).exec();
  }

  // Moves the pending Redis counter for one code into MySQL. GET+DEL in one MULTI is atomic,
  // so concurrent flushes each take a disjoint share and no hit is counted twice.
  async flushHits(code) {
    const results = await this.redis.multi().get(hitsKey(code)).del(hitsKey(code)).srem(DIRTY_SET, code).exec();
    const [getErr, pending] = results[0];
    if (getErr) throw getErr;
    const count = Number(pending || 0);
    if (count === 0) return 0;
    try {
      await this.db.execute('UPDATE links SET hits = hits + ? WHERE code = ?', [count, code]);
    } catch (err) {
      // Put the hits back so a MySQL hiccup loses nothing; the next flush retries.
      await this.redis.multi().incrby(hitsKey(code), count).sadd(DIRTY_SET, code).exec();
      throw err;
    }
    return count;
  }

  async flushAllHits() {
    const codes = await this.redis.smembers(DIRTY_SET);
    let total = 0;
    for (const code of codes) total += await this.flushHits(code);
    return total;
  }

  async stats(code) {
    await this.flushHits(code);
    const [rows] = await this.db.execute('SELECT code, url, hits, UNIX_TIMESTAMP(created_at) AS created_unix FROM links WHERE code = ?', [code]);
    if (rows.length === 0) return null;
    const row = rows[0];
    return { code: row.code, url: row.url, hits: Number(row.hits), createdAt: new Date(Number(row.created_unix) * 1000).toISOString() };
  }
}

module.exports = { LinkStore, InvalidInput, validateUrl, isValidCode, newCode, cacheKey, hitsKey };
