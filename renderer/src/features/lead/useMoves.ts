/**
 * Moves from the board and their cheap undo (`z`): the last move's tickets go back to where each came from, with
 * a reason of their own. Every message lands in the console's polite notice area.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import type { ReassignRequest, ReassignResult } from '../../../../common/lead/board';
import { undoGroups } from '../../../../common/lead/board';
import { desk } from '../../api/desk';
import { announce } from '../phone/notify';
import type { LeadT } from '../../i18n/lead';
import { LEAD_BOARD_KEY } from './useLeadBoard';

export interface Moves {
  /** Resolves with the result; rejects with the desk's reason (the dialog shows it). */
  move(req: ReassignRequest, toName: string): Promise<ReassignResult>;
  undo(): Promise<void>;
}

export function useMoves(t: LeadT): Moves {
  const client = useQueryClient();
  const last = useRef<{ result: ReassignResult; reason: string } | null>(null);

  function report(result: ReassignResult, toName: string) {
    if (result.moved.length > 0) announce(t('moved', { count: result.moved.length, name: toName }));
    else if (result.refused.length === 0) announce(t('nothingMoved'));
    const refusal = result.refused[0];
    if (refusal) announce(t('refused', { count: result.refused.length, reason: refusal.message }), true);
  }

  return {
    async move(req, toName) {
      const result = await desk.lead.reassign(req);
      if (result.moved.length > 0) last.current = { result, reason: req.reason ?? '' };
      report(result, toName);
      void client.invalidateQueries({ queryKey: LEAD_BOARD_KEY });
      return result;
    },
    async undo() {
      const previous = last.current;
      if (!previous) {
        announce(t('nothingToUndo'));
        return;
      }
      last.current = null;
      const reason = previous.reason ? t('undoReason', { reason: previous.reason }) : t('undoPlain');
      for (const group of undoGroups(previous.result.moved)) {
        await desk.lead.reassign({ target: { kind: 'tickets', ids: group.ids }, assigneeId: group.assigneeId, reason });
      }
      announce(t('undone'));
      void client.invalidateQueries({ queryKey: LEAD_BOARD_KEY });
    },
  };
}
