/**
 * The live socket between a console and the central server (DESIGN.md §5 "Live"): the server pokes consoles to
 * pull, and will carry call events for an agent (CTI). Server → console messages are JSON objects with a `type`.
 */
import { z } from 'zod';
import { Call } from './domain';

export const LIVE_PATH = '/api/v1/live';

/** Close code for a session that is no longer valid (revoked or expired token): the console stops reconnecting. */
export const LIVE_CLOSE_UNAUTHORIZED = 4401;
/** Close code when the server shuts down: the console reconnects (to this node after a restart, or another). */
export const LIVE_CLOSE_GOING_AWAY = 1001;

/** "The change log grew: pull." Carries nothing; the pull says what changed. */
export const POKE = { type: 'poke' } as const;

/** Any server message: `poke`, or others (call events) that consumers match on `type`. */
export const LiveMessage = z.looseObject({ type: z.string().min(1).max(64) });
export type LiveMessage = z.infer<typeof LiveMessage>;

/**
 * A call's new state for the agents it is offered to (and the one who answered): sent at once on every change
 * of the call, so a console pops the caller before its next pull. The pull brings the same record to every
 * console's cache later; the newer `lastEventAt` wins.
 */
export const CALL_LIVE_TYPE = 'call';
export const CallLiveMessage = z.object({ type: z.literal(CALL_LIVE_TYPE), call: Call });
export type CallLiveMessage = z.infer<typeof CallLiveMessage>;

/** The lobby queue changed (a number taken, called, re-called or skipped): displays fetch the board again. */
export const QUEUE_LIVE_TYPE = 'queue';
