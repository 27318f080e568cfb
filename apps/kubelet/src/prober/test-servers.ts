import type { Server as HttpServer } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { freePort } from '@tskube/test-support';

/**
 * Test helper: binds `server` to a free port on `host` (retrying when another process took the
 * port first) and returns the port.
 */
export async function listenOnFreePort(server: HttpServer | NetServer, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort(host);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return port;
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
}

/** Closes a server, dropping its open connections. */
export function closeServer(server: HttpServer | NetServer): Promise<void> {
  return new Promise((resolve) => {
    (server as HttpServer).closeAllConnections?.();
    server.close(() => resolve());
  });
}
