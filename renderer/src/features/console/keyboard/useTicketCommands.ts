/**
 * The single-ticket desk methods the keyboard layer calls (tickets.assign / setStatus / edit / comment), each
 * returning the host's result. `settle` shows those results at once; the refetch of lists, counts and timelines
 * is the host's `tickets.changed` (api/queries useDeskEvents), which every local write announces before its
 * answer and which waits for that answer to be drawn (asAction) — invalidating here as well would ask the host for
 * everything twice.
 */
import { useQueryClient } from '@tanstack/react-query';
import type { Priority, Ticket, TicketStatus } from '../../../../../common/domain';
import { desk } from '../../../api/desk';
import { asAction, deskKeys } from '../../../api/queries';

/** `reason`: where common/ticket-access requires one (cancel, raise to P0/P1, reassign another's ticket). */
export interface TicketCommands {
  assign(id: string, assigneeId: string | null, reason?: string): Promise<Ticket>;
  setStatus(id: string, status: TicketStatus, reason?: string): Promise<Ticket>;
  setPriority(id: string, priority: Priority, reason?: string): Promise<Ticket>;
  comment(id: string, body: string): Promise<void>;
  /** Shows the host's results in the open details at once (lists and counts follow the host's tickets.changed). */
  settle(updated: readonly Ticket[]): void;
}

export function useTicketCommands(): TicketCommands {
  const client = useQueryClient();
  return {
    assign: (id, assigneeId, reason) => asAction(desk.tickets.assign({ id, assigneeId, reason })),
    setStatus: (id, status, reason) => asAction(desk.tickets.setStatus({ id, status, reason })),
    setPriority: (id, priority, reason) => asAction(desk.tickets.edit({ id, priority, reason })),
    comment: async (id, body) => {
      await asAction(desk.tickets.comment({ id, body }));
    },
    settle(updated) {
      for (const ticket of updated) {
        client.setQueryData(
          deskKeys.ticket(ticket.id),
          (old: Awaited<ReturnType<typeof desk.tickets.get>> | undefined) => (old ? { ...old, ticket } : old),
        );
      }
    },
  };
}
