/**
 * Stopping the server (SIGTERM → app.close) lets requests in flight finish but does not wait for clients that
 * hold a connection without a request in progress: a socket that connected and sent nothing, or half a request,
 * kept the process alive until Node's header timeout (60–90 s; the initial-sync test's server took 70 s to stop).
 */
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../server/app';
import type { Db } from '../../server/db/driver';
import { SHUTDOWN_GRACE_MS } from '../../server/http/shutdown';
import { BACKENDS } from './support/backends';

const pglite = BACKENDS.find((b) => b.name === 'pglite')!;

function openSocket(port: number, firstBytes: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      if (firstBytes) socket.write(firstBytes);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('server shutdown', () => {
  let db: Db;
  let dispose: () => Promise<void>;
  let app: FastifyInstance;
  let port = 0;

  beforeEach(async () => {
    ({ db, dispose } = await pglite.open());
    app = buildServer({ db, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterEach(async () => dispose());

  it.each([
    ['connected and sent nothing', ''],
    ['sent half a request', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'],
  ])('a client that %s does not hold the server open past the grace', async (_, firstBytes) => {
    const socket = await openSocket(port, firstBytes);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const started = Date.now();
    await app.close();
    const tookMs = Date.now() - started;
    expect(tookMs).toBeLessThan(SHUTDOWN_GRACE_MS + 2_000);
    await closed;
  });

  it('a request in flight when the stop begins is answered before the server closes', async () => {
    const answered = fetch(`http://127.0.0.1:${port}/healthz`).then((res) => res.status);
    // The request is under way (accepted, not answered) when close begins.
    await new Promise((resolve) => app.server.once('request', resolve));
    const closing = app.close();
    expect(await answered).toBe(200);
    await closing;
  });
});
