/**
 * Which incoming-call pops are on screen (issue 10 item 6), as a pure reducer over the calls the host reports:
 * a ringing call pops; answered here it stays and takes the focus; answered at another desk, or ended unanswered,
 * its pop closes; a call answered here that ends leaves its wrap-up to do.
 */
import { isSoftphoneSource } from '../../../../common/calls/envelope';
import type { Call, User } from '../../../../common/domain';

export interface PopState {
  /** Calls with a pop on screen, oldest first. */
  pops: readonly Call[];
  /** A call just answered here: its pop takes the focus (cleared once it has). */
  focusId: string | null;
  /** The call this agent last answered: what wrap-up (Shift+F9) is about. */
  lastMineId: string | null;
  /** A call answered here that ended without a wrap-up yet: the wrap-up form opens for it. */
  wrapUpId: string | null;
  /** Calls seen ending (the newest few): an ended call never rings again, whatever a late list still says. */
  endedIds: readonly string[];
}

export const NO_POPS: PopState = { pops: [], focusId: null, lastMineId: null, wrapUpId: null, endedIds: [] };

const ENDED_KEPT = 50;

type Agent = Pick<User, 'id' | 'username' | 'extension'>;

/** Answered by this agent, or on this desk's own softphone (the host's rule, main/cti/call-center). */
export function answeredHere(call: Call, agent: Agent): boolean {
  if (call.answeredAt === null) return false;
  if (call.agentId === agent.id) return true;
  const refs = [agent.id, agent.username, agent.extension].filter((r): r is string => !!r).map(norm);
  if (call.answeredBy !== null && refs.includes(norm(call.answeredBy))) return true;
  return call.legs.some((leg) => isSoftphoneSource(leg.source) && leg.answeredAt !== null);
}

const norm = (text: string) => text.trim().toLowerCase();

/** The state after the host reported `call` (ringing, updated, or listed by `calls.active`). */
export function applyCall(state: PopState, call: Call, agent: Agent): PopState {
  if (state.endedIds.includes(call.id)) return state;
  const shown = state.pops.some((pop) => pop.id === call.id);
  const others = state.pops.filter((pop) => pop.id !== call.id);
  const mine = answeredHere(call, agent);

  if (call.endedAt !== null || call.state === 'ended') {
    // Only a call this agent talked on leaves after-call work; its wrap-up may already be done elsewhere.
    const wrapUp = mine && call.disposition === null ? call.id : state.wrapUpId;
    return {
      pops: others,
      focusId: state.focusId === call.id ? null : state.focusId,
      lastMineId: mine ? call.id : state.lastMineId,
      wrapUpId: wrapUp,
      endedIds: [call.id, ...state.endedIds].slice(0, ENDED_KEPT),
    };
  }
  if (call.answeredAt !== null && !mine) {
    return { ...state, pops: others, focusId: state.focusId === call.id ? null : state.focusId };
  }
  const pops = shown ? state.pops.map((pop) => (pop.id === call.id ? call : pop)) : [...state.pops, call];
  if (!mine) return { ...state, pops };
  const wasMine = state.pops.find((pop) => pop.id === call.id);
  const justAnswered = !wasMine || !answeredHere(wasMine, agent);
  return { ...state, pops, focusId: justAnswered ? call.id : state.focusId, lastMineId: call.id };
}

/**
 * The host's list of live calls on this desk (`calls.active`, asked again after every call event) is the truth
 * about which pops belong on screen: a pop whose call it no longer lists closes (its record may have been merged
 * into another one, or re-keyed when the server's copy arrived), then each listed call is applied.
 */
export function syncActive(state: PopState, active: readonly Call[], agent: Agent): PopState {
  const live = new Set(active.map((call) => call.id));
  const kept: PopState = { ...state, pops: state.pops.filter((pop) => live.has(pop.id)) };
  return active.reduce<PopState>((next, call) => applyCall(next, call, agent), kept);
}

export function focused(state: PopState): PopState {
  return state.focusId === null ? state : { ...state, focusId: null };
}

/** The agent closed a pop by hand (a call that rings on elsewhere and is none of theirs). */
export function dismissPop(state: PopState, id: string): PopState {
  return { ...state, pops: state.pops.filter((pop) => pop.id !== id) };
}

/** The desk has no record under this id any more (re-keyed or merged): its pop goes for good. */
export function popGone(state: PopState, id: string): PopState {
  return { ...dismissPop(state, id), endedIds: [id, ...state.endedIds].slice(0, ENDED_KEPT) };
}

export function wrapUpDone(state: PopState): PopState {
  return { ...state, wrapUpId: null };
}

/** Opens the wrap-up for a call (Shift+F9). */
export function openWrapUp(state: PopState, id: string): PopState {
  return { ...state, wrapUpId: id };
}

/** The call the call keys act on: answer → the oldest ringing; hang up, hold → the one this agent is on. */
export function callFor(state: PopState, action: 'answer' | 'hangup' | 'hold', agent: Agent): Call | undefined {
  const ringing = state.pops.find((pop) => pop.state === 'ringing');
  const mine = state.pops.find((pop) => answeredHere(pop, agent));
  if (action === 'answer') return ringing;
  if (action === 'hold') return mine;
  return mine ?? ringing;
}
