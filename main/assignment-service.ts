/**
 * The desk's side of auto-assignment and escalation (issue 12 item 2): queue settings, capacities and escalations
 * live on the server — a lead changes them online, and the server decides who may — so every method asks it at
 * once and says plainly why when it cannot. A new escalation arrives on the live socket and is announced to the
 * renderer (`assignment.escalated`), which asks again.
 */
import { ESCALATION_LIVE_TYPE } from '../common/assignment';
import type { DeskHandlers, EventPayload } from '../common/contract';
import type { LiveMessage } from '../common/live';
import { CentralError, type CentralClient } from './central';
import { DeskError } from './session';

type AssignmentHandlers = Pick<
  DeskHandlers,
  | 'assignment.overview'
  | 'assignment.setQueue'
  | 'assignment.setCapacity'
  | 'assignment.escalations'
  | 'assignment.acknowledge'
>;

function explained(err: unknown): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') {
    return new DeskError('offline', 'The server cannot be reached: this needs a connection. Nothing was changed.');
  }
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'Log in again. Nothing was changed.');
  if (err.code === 'forbidden') return new DeskError('forbidden', 'Your role may not do this. Nothing was changed.');
  return new DeskError(err.code, err.message);
}

async function online<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw explained(err);
  }
}

export function createAssignmentService(deps: {
  central: CentralClient;
  emit: (payload: EventPayload<'assignment.escalated'>) => void;
}): { handlers: AssignmentHandlers; onLive(message: LiveMessage): void } {
  const { central, emit } = deps;
  return {
    handlers: {
      'assignment.overview': async () => online(() => central.assignmentOverview()),
      'assignment.setQueue': async ({ teamId, ...settings }) =>
        (await online(() => central.setQueueSettings(teamId, settings))).settings,
      'assignment.setCapacity': async ({ userId, capacity }) =>
        online(() => central.setAgentCapacity(userId, capacity)),
      'assignment.escalations': async ({ open }) => (await online(() => central.escalations(open))).items,
      'assignment.acknowledge': async ({ id }) => online(() => central.acknowledgeEscalation(id)),
    },
    onLive(message) {
      const id = (message as { id?: unknown }).id;
      if (message.type === ESCALATION_LIVE_TYPE && typeof id === 'string') emit({ id });
    },
  };
}
