/**
 * The board's data: `lead.board` from the desk, asked again when the desk says tickets, presence, calls or the
 * directory changed — never polled as a whole, except once a minute for risk that moves with the clock alone.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { EventName } from '../../../../common/contract';
import { desk } from '../../api/desk';

export const LEAD_BOARD_KEY = ['lead', 'board'] as const;
/** At-risk and breached move with time even when nothing changes. */
const CLOCK_REFRESH_MS = 60_000;
const CHANGE_EVENTS: readonly EventName[] = [
  'tickets.changed',
  'presence.changed',
  'calls.changed',
  'directory.changed',
];

export function useLeadBoard() {
  const client = useQueryClient();
  useEffect(() => {
    const refresh = () => void client.invalidateQueries({ queryKey: LEAD_BOARD_KEY });
    const offs = CHANGE_EVENTS.map((event) => desk.on(event, refresh));
    return () => offs.forEach((off) => off());
  }, [client]);
  return useQuery({
    queryKey: LEAD_BOARD_KEY,
    queryFn: () => desk.lead.board({}),
    refetchInterval: CLOCK_REFRESH_MS,
    // A newer answer replaces the board at once; the previous one stays on screen meanwhile.
    placeholderData: (previous) => previous,
  });
}
