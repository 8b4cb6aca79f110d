'use strict';

class TimeoutError extends Error {}

// Races a promise against a timer so a dead dependency can never make a caller wait
// longer than `ms`. The timer is unref'd so it never keeps the process alive.
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

module.exports = { withTimeout, TimeoutError };
