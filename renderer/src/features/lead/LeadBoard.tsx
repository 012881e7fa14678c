/**
 * The shift lead's board (issue 12 item 1): queue counts, agent cards, the SLA-risk list, and reassignment by key
 * (select with x, `a` to an agent, `q` a whole queue, `z` undo) or by dragging a ticket onto an agent card —
 * pointer or keyboard (@dnd-kit's KeyboardSensor). Every move goes through the desk's outbox, one `ticket.assign`
 * per ticket with its reason. The `lead-assignment` slot hosts another part's auto-assignment settings and
 * escalation list.
 */
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useCallback, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { User } from '../../../../common/domain';
import type { ReassignTarget, RiskItem } from '../../../../common/lead/board';
import { bulkNeedsReason } from '../../../../common/lead/board';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { useTeams, useUsers } from '../../api/queries';
import { useLeadText } from '../../i18n/lead';
import { useLabels } from '../../i18n/labels';
import { bindingsInScope } from '../console/keyboard/bindings';
import { isTextField, stepFromEvent } from '../console/keyboard/keys';
import { createSequenceMatcher } from '../console/keyboard/matcher';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { runAction } from '../console/keyboard/registry';
import { AgentCards } from './AgentCards';
import { jumpBetweenCards } from './keyboardDrag';
import { MoveDialog } from './MoveDialog';
import { QueueTable } from './QueueTable';
import { RiskList, type RiskRowText } from './RiskList';
import { useLeadBoard } from './useLeadBoard';
import { useMoves } from './useMoves';
import './lead.css';

interface PendingMove {
  target: ReassignTarget;
  what: string;
  initialAgentId: string | null;
  reasonRequired: boolean;
}

const KEYBOARD_DRAG_CODES = { start: ['Space'], cancel: ['Escape'], end: ['Space'] };

export function LeadBoard({ user, extras, onClose }: { user: User; extras?: ReactNode; onClose(): void }) {
  const t = useLeadText();
  const labels = useLabels();
  const board = useLeadBoard();
  const users = useUsers();
  const teams = useTeams();
  const moves = useMoves(t);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [pending, setPending] = useState<PendingMove | null>(null);
  const [dragging, setDragging] = useState(false);
  const matcher = useRef(createSequenceMatcher(bindingsInScope('lead')));
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: jumpBetweenCards, keyboardCodes: KEYBOARD_DRAG_CODES }),
  );

  const data = board.data;
  const risk = useMemo(() => data?.risk ?? [], [data]);
  const agents = useMemo(() => data?.agents ?? [], [data]);
  const userName = useCallback(
    (id: string | null) => (id ? (users.data?.find((u) => u.id === id)?.name ?? id.slice(0, 8)) : t('unassigned')),
    [users.data, t],
  );
  const queueName = useCallback(
    (teamId: string | null) => {
      const team = teams.data?.find((x) => x.id === teamId);
      return team ? labels.team(team) : (teamId ?? t('noTeam'));
    },
    [teams.data, labels, t],
  );
  // Stable between answers, like the props below: an agent's presence change re-renders that card, not the board
  // (the list and cards are memoised; react-query keeps unchanged parts of a new answer identical).
  const text = useMemo<RiskRowText>(
    () => ({
      code: (item) => item.code ?? item.ticketId.slice(0, 8),
      step: (item) => labels.status(item.type, item.status),
      owner: (id) => t('owner', { name: userName(id) }),
      queue: queueName,
    }),
    [labels, t, userName, queueName],
  );

  const heldByOther = (item: RiskItem) => item.assigneeId !== null && item.assigneeId !== user.id;

  function askMove(items: readonly RiskItem[], initialAgentId: string | null = null) {
    if (items.length === 0) return;
    const target: ReassignTarget = { kind: 'tickets', ids: items.map((i) => i.ticketId) };
    const what = items.length === 1 ? text.code(items[0]!) : t('ticketsCount', { count: items.length });
    setPending({ target, what, initialAgentId, reasonRequired: bulkNeedsReason(target) || items.some(heldByOther) });
  }

  const askMoveQueue = useCallback(
    (teamId: string) =>
      setPending({
        target: { kind: 'queue', teamId },
        what: t('queueWhat', { queue: queueName(teamId) }),
        initialAgentId: null,
        reasonRequired: true,
      }),
    [t, queueName],
  );

  /** The selection, else the ticket under the cursor. */
  const chosen = () => {
    const picked = risk.filter((item) => selected.has(item.ticketId));
    const current = risk[cursor];
    return picked.length > 0 ? picked : current ? [current] : [];
  };

  function focusRow(index: number) {
    const item = risk[Math.max(0, Math.min(risk.length - 1, index))];
    if (!item) return;
    document.querySelector<HTMLElement>(`[data-ticket="${item.ticketId}"] .lead-risk-handle`)?.focus();
  }

  const toggle = useCallback(
    (id: string) =>
      setSelected((prev) => {
        const next = new Set(prev);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );

  function run(action: string) {
    switch (action) {
      case 'lead.next':
        return focusRow(cursor + 1);
      case 'lead.prev':
        return focusRow(cursor - 1);
      case 'lead.toggleSelect':
        return risk[cursor] && toggle(risk[cursor].ticketId);
      case 'lead.move':
        return askMove(chosen());
      case 'lead.moveQueue': {
        const teamId = risk[cursor]?.teamId;
        return teamId && askMoveQueue(teamId);
      }
      case 'lead.undo':
        return void moves.undo();
      case 'help.open':
        return runAction('help.open');
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (dragging || event.defaultPrevented || event.nativeEvent.isComposing) return;
    const target = event.target as HTMLElement;
    const focus = {
      tagName: target.tagName,
      type: target.getAttribute('type'),
      isContentEditable: target.isContentEditable,
      role: target.getAttribute('role'),
    };
    if (isTextField(focus)) return;
    const step = stepFromEvent(event.nativeEvent);
    if (!step || step === ' ') return; // Space belongs to the drag handle (KeyboardSensor)
    const result = matcher.current.feed(step, performance.now());
    if (result.kind !== 'match') return;
    event.preventDefault();
    run(result.binding.action);
  }

  async function onDragEnd({ active, over }: DragEndEvent) {
    setDragging(false);
    if (!over) return;
    const item = risk.find((i) => i.ticketId === active.id);
    if (!item) return;
    // Dragging a selected ticket moves the whole selection.
    const items = selected.has(item.ticketId) ? risk.filter((i) => selected.has(i.ticketId)) : [item];
    const agentId = String(over.id);
    if (items.length === 1 && !heldByOther(item)) {
      const name = agents.find((a) => a.userId === agentId)?.name ?? '';
      await moves
        .move({ target: { kind: 'tickets', ids: [item.ticketId] }, assigneeId: agentId }, name)
        .catch(() => askMove(items, agentId));
      return;
    }
    askMove(items, agentId);
  }

  const forbidden = board.isError && deskErrorCode(board.error) === 'forbidden';
  return (
    <ModalDialog title={t('title')} className="lead-board" onClose={onClose}>
      <div className="lead-board-body" onKeyDown={onKeyDown}>
        <p className="kb-muted">{t('keysHint')}</p>
        {board.isPending && <p role="status">{t('loading')}</p>}
        {board.isError && <p role="alert">{forbidden ? t('forbidden') : deskErrorMessage(board.error)}</p>}
        {data && (
          <>
            <p className="kb-muted" aria-live="off">
              {t('updatedAt', { time: new Date(data.at).toLocaleTimeString() })}
            </p>
            <QueueTable queues={data.queues} queueName={queueName} onMoveQueue={askMoveQueue} t={t} />
            <DndContext
              sensors={sensors}
              collisionDetection={closestCenter}
              onDragStart={() => setDragging(true)}
              onDragCancel={() => setDragging(false)}
              onDragEnd={(e) => void onDragEnd(e)}
              accessibility={{ screenReaderInstructions: { draggable: t('agentsHint') } }}
            >
              <div className="lead-columns">
                <RiskList items={risk} selected={selected} onToggle={toggle} onFocusRow={setCursor} text={text} t={t} />
                <AgentCards agents={agents} category={labels.category} t={t} />
              </div>
            </DndContext>
            {selected.size > 0 && (
              <button type="button" onClick={() => askMove(chosen())}>
                {t('moveSelection')}
              </button>
            )}
          </>
        )}
        <section aria-label={t('assignmentSlot')} data-slot="lead-assignment">
          {extras}
        </section>
        <div className="kb-dialog-footer">
          <button type="button" onClick={onClose}>
            {t('close')}
          </button>
        </div>
      </div>
      {pending && (
        <MoveDialog
          what={pending.what}
          agents={agents}
          initialAgentId={pending.initialAgentId}
          reasonRequired={pending.reasonRequired}
          t={t}
          onClose={() => setPending(null)}
          onSubmit={async (assigneeId, name, reason) => {
            await moves.move({ target: pending.target, assigneeId, reason: reason || undefined }, name);
            setSelected(new Set());
          }}
        />
      )}
    </ModalDialog>
  );
}
