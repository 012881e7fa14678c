/**
 * What the desk shows about a call (the screen pop, the calls views) and how the agent works the phone: the
 * shapes the contract (common/contract.ts) carries between the desk host and the renderer.
 */
import { z } from 'zod';
import { Call, Presence, PresenceState, Ticket } from '../domain';
import { line, text } from '../input';

/** A resident the caller may be: `known` (one of their phones), `maybe` (seen on their earlier ticket or call). */
export const CallerCandidate = z.object({
  residentId: z.string(),
  name: z.string(),
  confidence: z.enum(['known', 'maybe']),
  units: z.array(z.object({ id: z.string(), code: z.string() })),
  tags: z.array(z.string()),
});
export type CallerCandidate = z.infer<typeof CallerCandidate>;

/** Everything the pop shows for one call, from the desk's cache (works offline). */
export const CallPop = z.object({
  call: Call,
  /** The number as the agent reads it: masked (issue 11 §4, revealed on request); null when withheld. */
  number: z.string().nullable(),
  withheld: z.boolean(),
  candidates: z.array(CallerCandidate),
  /** The resident the call is linked to (the only candidate, or the agent's pick). */
  resident: CallerCandidate.nullable(),
  openTickets: z.array(Ticket),
  /** The caller's last calls before this one (at most 5). */
  lastCalls: z.array(Call),
  /** Open fee reminders (催缴) of the caller's units: the desk has no billing system, these are its arrears. */
  arrears: z.array(Ticket),
  /** This desk's agent answered the call. */
  mine: z.boolean(),
});
export type CallPop = z.infer<typeof CallPop>;

export const CtiAdapterStatus = z.object({
  name: z.enum(['baresip', 'ami', 'hook']),
  state: z.enum(['disabled', 'connecting', 'connected', 'disconnected']),
  detail: z.string().nullable(),
});
export type CtiAdapterStatus = z.infer<typeof CtiAdapterStatus>;

export const CtiStatus = z.object({
  adapters: z.array(CtiAdapterStatus),
  /** A softphone the console can answer, hang up and dial through. */
  canControl: z.boolean(),
  /** The local hook's URL for softphones that call a URL (null while it is off). */
  hookUrl: z.string().nullable(),
});
export type CtiStatus = z.infer<typeof CtiStatus>;

const Port = z.number().int().min(1).max(65535);
const Host = line(253, { trim: true, min: 1 });
/** This desk's phone settings (per profile; the site's wrap-up codes and time are the server's). */
export const CtiSettings = z.object({
  extension: line(32, { trim: true }).nullable().default(null),
  baresip: z
    .object({ enabled: z.boolean(), host: Host, port: Port })
    .default({ enabled: false, host: '127.0.0.1', port: 4444 }),
  ami: z
    .object({
      enabled: z.boolean(),
      host: Host,
      port: Port,
      username: line(64),
      secret: text(256),
    })
    .default({ enabled: false, host: '127.0.0.1', port: 5038, username: '', secret: '' }),
  hook: z.object({ enabled: z.boolean(), port: Port }).default({ enabled: true, port: 17788 }),
});
export type CtiSettings = z.infer<typeof CtiSettings>;

export const PresenceView = z.object({ mine: Presence.nullable(), all: z.array(Presence) });
export { PresenceState };
