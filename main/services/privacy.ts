/**
 * The desk's side of residents' personal data (issue 11 §4): the audit log, a resident's export and erasure. All
 * three ask the central server at once — none works offline, and the server decides who may — and say plainly why
 * when they cannot.
 */
import type { DeskHandlers } from '../../common/contract';
import type { CentralClient } from '../central';
import { online as onlineOnly } from './online-only';

type PrivacyHandlers = Pick<DeskHandlers, 'audit.list' | 'residents.export' | 'residents.erase'>;

const online = <T>(request: () => Promise<T>) => onlineOnly(request, 'No such resident on the server.');

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
