/**
 * The desk's side of auto-assignment and escalation (issue 12 item 2): queue settings, capacities and escalations
 * live on the server — a lead changes them online, and the server decides who may — so every method asks it at
 * once and says plainly why when it cannot. A new escalation arrives on the live socket and is announced to the
 * renderer (`assignment.escalated`), which asks again.
 */
import { ESCALATION_LIVE_TYPE } from '../../common/assignment';
import type { DeskHandlers, EventPayload } from '../../common/contract';
import type { LiveMessage } from '../../common/live';
import type { CentralClient } from '../central';
import { online } from './online-only';

type AssignmentHandlers = Pick<
  DeskHandlers,
  | 'assignment.overview'
  | 'assignment.setQueue'
  | 'assignment.setCapacity'
  | 'assignment.escalations'
  | 'assignment.acknowledge'
>;

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
