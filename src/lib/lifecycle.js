'use strict';

// Stops accepting connections and resolves once every in-flight request has finished.
// Node 18's server.close() waits for idle keep-alive sockets too, so those are closed here,
// repeatedly, as in-flight requests finish and leave their sockets idle.
// Resolves { forced: true } if requests were still running after timeoutMs and got cut off.
function drainServer(server, { timeoutMs = 10000, pollMs = 50 } = {}) {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve({ forced: false });
      return;
    }
    let forced = false;
    const idleSweep = setInterval(() => server.closeIdleConnections(), pollMs);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      resolve({ forced });
    });
    server.closeIdleConnections();
  });
}

module.exports = { drainServer };
