import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CentralClient,
  CentralOfflineError,
  CentralRejectedError,
  CentralServerError,
  CentralUnauthorizedError,
} from '../../main/central';

/** Answers by path: `/api/v1/me` echoes the Authorization header's presence; other paths pick a failure. */
let server: Server;
let base = '';
const seen: Array<{ url: string; auth: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (req.url) {
      case '/ok/api/v1/me':
        return send(200, {
          id: '11111111-1111-4111-8111-111111111111',
          username: 'a',
          name: 'A',
          role: 'agent',
          extension: null,
          teamId: null,
        });
      case '/unauthorized/api/v1/me':
        return send(401, { error: 'unauthorized' });
      case '/bad/api/v1/sync/push':
        return send(409, { error: 'mutation_gap', details: { expected: 3 } });
      case '/down/api/v1/me':
        return send(503, { error: 'unavailable' });
      case '/garbled/api/v1/me':
        return send(200, { nope: true });
      case '/slow/api/v1/me':
        return void setTimeout(() => send(200, {}), 2_000);
      default:
        return send(404, { error: 'not_found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('central client', () => {
  it('sends the bearer token and validates the response', async () => {
    const client = new CentralClient(`${base}/ok/`);
    client.setToken('t0ken');
    expect((await client.me()).username).toBe('a');
    expect(seen.at(-1)).toEqual({ url: '/ok/api/v1/me', auth: 'Bearer t0ken' });
  });

  it('tells unauthorized, rejected, server errors and offline apart', async () => {
    await expect(new CentralClient(`${base}/unauthorized`).me()).rejects.toBeInstanceOf(CentralUnauthorizedError);

    const push = new CentralClient(`${base}/bad`).push({
      clientId: crypto.randomUUID(),
      schemaVersion: 1,
      mutations: [],
    });
    await expect(push).rejects.toBeInstanceOf(CentralRejectedError);
    await expect(push).rejects.toMatchObject({
      kind: 'rejected',
      code: 'mutation_gap',
      status: 409,
      details: { expected: 3 },
    });

    // A 5xx is an answering server (issue 11 §1): not "offline"; the server's own error code travels with it.
    await expect(new CentralClient(`${base}/down`).me()).rejects.toBeInstanceOf(CentralServerError);
    await expect(new CentralClient(`${base}/down`).me()).rejects.toMatchObject({
      kind: 'server_error',
      code: 'unavailable',
      status: 503,
    });
    await expect(new CentralClient(`${base}/garbled`).me()).rejects.toMatchObject({
      kind: 'rejected',
      code: 'bad_response',
    });
  });

  it('counts a refused connection and a timeout as offline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(new CentralClient(`http://127.0.0.1:${port}`).me()).rejects.toBeInstanceOf(CentralOfflineError);

    await expect(new CentralClient(`${base}/slow`, { timeoutMs: 100 }).me()).rejects.toBeInstanceOf(
      CentralOfflineError,
    );
  });

  it('lets the caller abandon a request', async () => {
    const abort = new AbortController();
    const pending = new CentralClient(`${base}/slow`).me(abort.signal);
    abort.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'offline' });
  });
});
