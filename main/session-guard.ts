/**
 * Every desk method needs a signed-in session except the few the sign-in screen itself uses (issue 11 §3): the
 * cache holds residents' names, phones and addresses, and a shared front-desk PC must show none of it to whoever
 * sits down after a logout. Applied once, where the handlers are composed (./desk), and failing closed: a method
 * added to the contract is protected unless it is listed here.
 */
import type { DeskHandlers, MethodName } from '../common/contract';
import { DeskError } from './session';

/** What the sign-in screen calls before anyone is signed in. */
export const PRE_LOGIN_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'session.login',
  'session.me',
  // Idempotent: signing out of a session the server already ended must still answer.
  'session.logout',
  // The lobby kiosk's and display's own sign-in (a kiosk account only: ./services/kiosk).
  'kiosk.signIn',
]);

export function unauthenticated(): DeskError {
  return new DeskError('unauthenticated', '请先登录。Sign in first.');
}

/** The handlers, each refusing with `unauthenticated` while nobody is signed in, except PRE_LOGIN_METHODS. */
export function requireSignedIn(signedIn: () => boolean, handlers: DeskHandlers): DeskHandlers {
  const guarded: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[MethodName, (input: never) => Promise<unknown>]>) {
    guarded[name] = PRE_LOGIN_METHODS.has(name)
      ? handler
      : async (input) => {
          if (!signedIn()) throw unauthenticated();
          return handler(input);
        };
  }
  return guarded as DeskHandlers;
}
