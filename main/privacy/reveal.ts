/**
 * Reveal at the desk (issue 11 §4): the whole number behind a masked one comes from the server, which checks the
 * role and audits every request, for the agent to read or for the softphone to dial. It is never cached. Offline
 * there is no whole number: a reveal fails with `offline`, and so does click-to-dial (nothing is dialled).
 */
import type { PhoneRef, RevealPurpose } from '../../common/api';
import { formatPhoneForDisplay } from '../../common/residents/phone';
import { CentralError, type CentralClient } from '../central';
import { DeskError } from '../session';

export interface PhoneReveal {
  /** The number in its display form, for the agent to read. */
  view(ref: PhoneRef): Promise<string>;
  /** The number as recorded, for the softphone to dial. */
  dial(ref: PhoneRef): Promise<string>;
}

export function createPhoneReveal(deps: {
  central: Pick<CentralClient, 'reveal'>;
  /** Whether a user is signed in at this desk. */
  signedIn(): boolean;
  /** This desk's sync client id, for the audit row. */
  clientId(): string;
  /**
   * Sends this desk's unsent work now; true when there was some. A call the softphone reported a moment ago (or a
   * ticket just filed) is on the server only once the outbox has gone: a reveal the server cannot place yet pushes
   * and asks once more instead of telling the agent there is no number.
   */
  pushUnsent?(): Promise<boolean>;
}): PhoneReveal {
  async function ask(ref: PhoneRef, purpose: RevealPurpose): Promise<string> {
    const { number } = await deps.central.reveal({ ...ref, purpose, clientId: deps.clientId() });
    return number;
  }
  async function reveal(ref: PhoneRef, purpose: RevealPurpose): Promise<string> {
    if (!deps.signedIn()) throw new DeskError('unauthenticated', 'Log in first');
    try {
      try {
        return await ask(ref, purpose);
      } catch (err) {
        const notYetThere = err instanceof CentralError && err.status === 404;
        if (notYetThere && deps.pushUnsent && (await deps.pushUnsent())) return await ask(ref, purpose);
        throw err;
      }
    } catch (err) {
      throw deskError(err);
    }
  }
  return {
    view: async (ref) => formatPhoneForDisplay(await reveal(ref, 'view')),
    dial: (ref) => reveal(ref, 'dial'),
  };
}

function deskError(err: unknown): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') {
    return new DeskError('offline', 'The server cannot be reached: whole numbers are shown (and dialled) online only');
  }
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'The session has ended: log in again');
  if (err.status === 403) return new DeskError('forbidden', 'Your role may not see this number');
  if (err.status === 404) return new DeskError('not_found', 'No number is recorded here');
  return new DeskError(err.code, err.message);
}
