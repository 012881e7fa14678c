/** Reads the pushing console out of a `desk_changes` NOTIFY payload (server/sync/notify.ts), if it names one. */
const CLIENT_ID = /^[A-Za-z0-9-]{1,64}$/;

export function sourceClientId(payload: string): string | null {
  try {
    const parsed = JSON.parse(payload) as unknown;
    const clientId = (parsed as { clientId?: unknown } | null)?.clientId;
    return typeof clientId === 'string' && CLIENT_ID.test(clientId) ? clientId : null;
  } catch {
    return null;
  }
}

/** The client id a console sends in the live URL's query (`?clientId=`), when well-formed. */
export function queryClientId(query: unknown): string | null {
  const clientId = (query as { clientId?: unknown } | null)?.clientId;
  return typeof clientId === 'string' && CLIENT_ID.test(clientId) ? clientId : null;
}
