'use strict';

// Docker HEALTHCHECK probe: slim images have no curl, so node itself asks /healthcheck.
const http = require('node:http');

const port = Number(process.env.PORT || 3000);
const req = http.get({ host: '127.0.0.1', port, path: '/healthcheck', timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  process.stderr.write(`healthcheck failed: ${err.message}\n`);
  process.exit(1);
});
