/** What `presence.set` makes of an agent's presence: one function for the desk's optimistic copy and the server. */
import type { z } from 'zod';
import type { Presence } from '../domain';
import type { PresenceSetArgs } from './args';

/** After-call work lasts this long unless the site sets another time (seconds). */
export const DEFAULT_WRAP_UP_SECONDS = 60;

export function presenceAfter(
  args: z.output<typeof PresenceSetArgs>,
  userId: string,
  now: Date,
  defaultWrapUpSeconds = DEFAULT_WRAP_UP_SECONDS,
): Presence {
  const wrapUp = args.state === 'wrap_up';
  const seconds = args.wrapUpSeconds ?? defaultWrapUpSeconds;
  return {
    userId,
    state: args.state,
    since: now.toISOString(),
    wrapUpUntil: wrapUp ? new Date(now.getTime() + seconds * 1000).toISOString() : null,
    callId: args.state === 'on_call' || wrapUp ? args.callId : null,
  };
}
