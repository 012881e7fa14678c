/**
 * The single-ticket desk methods the keyboard layer calls (tickets.assign / setStatus / edit / comment), each
 * returning the host's result. The cache is refreshed by `settle` — once per command, or once after a whole
 * bulk run so a 50-ticket bulk action does not refetch the list 50 times.
 */
import { useQueryClient } from '@tanstack/react-query';
import type { Priority, Ticket, TicketStatus } from '../../../../../common/domain';
import { desk } from '../../../api/desk';
import { deskKeys } from '../../../api/queries';

export interface TicketCommands {
  assign(id: string, assigneeId: string | null): Promise<Ticket>;
  setStatus(id: string, status: TicketStatus): Promise<Ticket>;
  setPriority(id: string, priority: Priority): Promise<Ticket>;
  comment(id: string, body: string): Promise<void>;
  /** Shows fresh results at once and refetches lists, counts and the touched tickets. */
  settle(updated: readonly Ticket[], touchedIds: readonly string[]): void;
}

export function useTicketCommands(): TicketCommands {
  const client = useQueryClient();
  return {
    assign: (id, assigneeId) => desk.tickets.assign({ id, assigneeId }),
    setStatus: (id, status) => desk.tickets.setStatus({ id, status }),
    setPriority: (id, priority) => desk.tickets.edit({ id, priority }),
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
