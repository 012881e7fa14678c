/**
 * The single-ticket desk methods the keyboard layer calls (tickets.assign / setStatus / edit / comment), each
 * returning the host's result. The cache is refreshed by `settle` — once per command, or once after a whole
 * bulk run so a 50-ticket bulk action does not refetch the list 50 times.
 */
import { useQueryClient } from '@tanstack/react-query';
import type { Priority, Ticket, TicketStatus } from '../../../../../common/domain';
import { desk } from '../../../api/desk';
import { deskKeys } from '../../../api/queries';

/** `reason`: where common/ticket-access requires one (cancel, raise to P0/P1, reassign another's ticket). */
export interface TicketCommands {
  assign(id: string, assigneeId: string | null, reason?: string): Promise<Ticket>;
  setStatus(id: string, status: TicketStatus, reason?: string): Promise<Ticket>;
  setPriority(id: string, priority: Priority, reason?: string): Promise<Ticket>;
  comment(id: string, body: string): Promise<void>;
  /** Shows fresh results at once and refetches lists, counts and the touched tickets. */
  settle(updated: readonly Ticket[], touchedIds: readonly string[]): void;
}

export function useTicketCommands(): TicketCommands {
  const client = useQueryClient();
  return {
    assign: (id, assigneeId, reason) => desk.tickets.assign({ id, assigneeId, reason }),
    setStatus: (id, status, reason) => desk.tickets.setStatus({ id, status, reason }),
    setPriority: (id, priority, reason) => desk.tickets.edit({ id, priority, reason }),
    comment: async (id, body) => {
      await desk.tickets.comment({ id, body });
    },
    settle(updated, touchedIds) {
      for (const ticket of updated) {
        client.setQueryData(
          deskKeys.ticket(ticket.id),
          (old: Awaited<ReturnType<typeof desk.tickets.get>> | undefined) => (old ? { ...old, ticket } : old),
        );
      }
      void client.invalidateQueries({ queryKey: deskKeys.views });
      void client.invalidateQueries({ queryKey: deskKeys.lists });
      for (const id of touchedIds) void client.invalidateQueries({ queryKey: deskKeys.ticket(id) });
    },
  };
}
