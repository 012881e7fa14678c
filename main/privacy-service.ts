/**
 * The desk's side of residents' personal data (issue 11 §4): the audit log, a resident's export and erasure. All
 * three ask the central server at once — none works offline, and the server decides who may — and say plainly why
 * when they cannot.
 */
import type { DeskHandlers } from '../common/contract';
import { CentralError, type CentralClient } from './central';
import { DeskError } from './session';

type PrivacyHandlers = Pick<DeskHandlers, 'audit.list' | 'residents.export' | 'residents.erase'>;

/** The server's answer as an error the renderer can tell apart (its `code`) and show (its message). */
function explained(err: unknown): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') {
    return new DeskError('offline', 'The server cannot be reached: this needs a connection. Nothing was changed.');
  }
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'Log in again. Nothing was changed.');
  if (err.code === 'forbidden') return new DeskError('forbidden', 'Your role may not do this. Nothing was changed.');
  if (err.code === 'not_found') return new DeskError('not_found', 'No such resident on the server.');
  return new DeskError(err.code, err.message);
}

async function online<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw explained(err);
  }
}

export function createPrivacyHandlers(deps: {
  central: CentralClient;
  /** After an erasure: pull now, so this console shows the anonymised tickets and calls at once. */
  onErased(): void;
}): PrivacyHandlers {
  // Signed-in is checked for every desk method in one place (main/session-guard).
  const { central, onErased } = deps;
  return {
    'audit.list': async (filter) => online(() => central.auditLog(filter)),
    'residents.export': async ({ id }) => online(() => central.exportResident(id)),
    'residents.erase': async ({ id, reason }) => {
      const result = await online(() => central.eraseResident(id, reason));
      onErased();
      return result;
    },
  };
}
