/**
 * The keyboard layer of the agent console (DESIGN.md §7): owns the bulk selection, registers the ticket,
 * view and overlay actions, runs the global key listener, and shows the overlays (help, palette, assignee
 * picker, step menu, note box), the chord hint and a live region that says what each action did.
 *
 * Targets: `a`, `Shift+A`, `p n` and `s` act on the selection when there is one, else on the current ticket;
 * `c` always on the current ticket. The current ticket is the one whose detail is shown, else the one under the
 * list cursor (../useCurrentTicket keeps the cursor on a ticket shown from elsewhere).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ViewId } from '../../../../../common/contract';
import type { Ticket, TicketStatus, User } from '../../../../../common/domain';
import { validateTransition } from '../../../../../common/workflows';
import { deskErrorCode, deskErrorMessage } from '../../../api/errors';
import { deskKeys } from '../../../api/queries';
import { useLabels } from '../../../i18n/labels';
import { AssignPicker } from './AssignPicker';
import { COMPILED_BINDINGS, GO_VIEWS, isKnownView, textIn } from './bindings';
import { runBulk } from './bulk';
import { CommandPalette } from './CommandPalette';
import { HelpOverlay } from './HelpOverlay';
import { displayStep } from './keys';
import { NoteBox } from './NoteBox';
import { judge, needingReason, reasonQuestion, refusal, type Op } from './ops';
import { ReasonDialog } from './ReasonDialog';
import { runAction, useAction } from './registry';
import { without, type Selection } from './selection';
import { StepMenu } from './StepMenu';
import { TriageContext, ticketName, type BulkState, type Triage } from './triageContext';
import { useConsoleKeys } from './useConsoleKeys';
import { useTicketCommands } from './useTicketCommands';
import './keyboard.css';

type Dialog =
  | { kind: 'help' }
  | { kind: 'assign'; tickets: Ticket[]; bulk: boolean }
  | { kind: 'step'; tickets: Ticket[]; bulk: boolean }
  | { kind: 'note'; ticket: Ticket }
  /** The op needs a reason (common/ticket-access): asked once, for one ticket or a whole selection. */
  | { kind: 'reason'; op: Op; tickets: Ticket[]; bulk: boolean };

interface Notice {
  id: number;
  text: string;
  alert: boolean;
}

const NOTICE_MS = 5_000;

export function TriageProvider({
  user,
  view,
  onView,
  openTicketId,
  onShowTicket,
  onCloseTicket,
  children,
}: {
  user: User;
  view: ViewId;
  onView: (view: ViewId) => void;
  openTicketId: string | null;
  onShowTicket: (ticketId: string) => void;
  onCloseTicket: () => void;
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const client = useQueryClient();
  const commands = useTicketCommands();
  const cursorTicket = useRef<Ticket | undefined>(undefined);
  const [selection, setSelectionState] = useState<Selection<Ticket>>(new Map());
  const [bulk, setBulk] = useState<BulkState>({ progress: null, result: null });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // Beside `dialog`, not in it: Ctrl+K opens the palette above whatever is open (see palette.open).
  const [palette, setPalette] = useState(false);
  const [chord, setChord] = useState<readonly string[] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const lang = i18n.language;

  // A new view is a new list: nothing stays selected across views.
  const [selectionView, setSelectionView] = useState(view);
  if (selectionView !== view) {
    setSelectionView(view);
    setSelectionState(new Map());
  }

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const announce = (text: string, alert = false) => setNotice({ id: Date.now(), text, alert });

  /**
   * The current ticket: the one whose detail is shown, else the cursor's. While a shown ticket is still loading
   * there is none (never the cursor's instead: that may be another ticket).
   */
  function currentTicket(): Ticket | undefined {
    if (openTicketId) return client.getQueryData<{ ticket: Ticket } | null>(deskKeys.ticket(openTicketId))?.ticket;
    return cursorTicket.current;
  }

  function targets(): { tickets: Ticket[]; bulk: boolean } | null {
    if (selection.size > 0) return { tickets: [...selection.values()], bulk: true };
    const ticket = currentTicket();
    if (ticket) return { tickets: [ticket], bulk: false };
    announce(t('triage.notice.noTicket'), true);
    return null;
  }

  const what = (tickets: readonly Ticket[]) =>
    tickets.length === 1 && tickets[0] ? ticketName(tickets[0]) : t('triage.ticketsCount', { count: tickets.length });

  function transitionRefusal(ticket: Ticket, status: TicketStatus): string | null {
    const check = validateTransition(ticket, status);
    if (check.ok) return null;
    if (check.code === 'missing_outputs') {
      const list = check.missing.map((key) => t(`triage.outputs.${key}`)).join(lang === 'en' ? ', ' : '、');
      return t('triage.step.needsRecord', { what: list });
    }
    return textIn(check.message, lang);
  }

  function success(op: Op, ticket: Ticket): string {
    const name = ticketName(ticket);
    if (op.kind === 'status')
      return t('triage.notice.status', { what: name, status: labels.status(ticket.type, ticket.status) });
    if (op.kind === 'priority') return t('triage.notice.priority', { what: name, priority: op.priority });
    if (!op.user) return t('triage.notice.unassigned', { what: name });
    if (op.user.id === user.id) return t('triage.notice.assignedToMe', { what: name });
    return t('triage.notice.assigned', { what: name, name: op.user.name });
  }

  const call = (op: Op, ticket: Ticket, reason: string | undefined): Promise<Ticket> => {
    if (op.kind === 'assign') return commands.assign(ticket.id, op.user?.id ?? null, reason);
    if (op.kind === 'status') return commands.setStatus(ticket.id, op.status, reason);
    return commands.setPriority(ticket.id, op.priority, reason);
  };

  /** The ticket already is what the action asks for (the host would refuse it with "nothing to change"). */
  function alreadyDone(op: Op, ticket: Ticket): boolean {
    if (op.kind === 'priority') return ticket.priority === op.priority;
    if (op.kind === 'status') return ticket.status === op.status;
    return ticket.assigneeId === (op.user?.id ?? null);
  }

  /** `reason`: given in the reason dialog; without it, an op that needs one opens that dialog first. */
  async function execute(op: Op, tickets: readonly Ticket[], isBulk: boolean, reason?: string) {
    if (!isBulk) {
      const ticket = tickets[0];
      if (!ticket) return;
      if (alreadyDone(op, ticket)) {
        announce(t('triage.notice.unchanged', { what: ticketName(ticket) }));
        return;
      }
      // The shared rules first: a refusal in the agent's language, or the question for a reason.
      const check = judge(user, ticket, op);
      if (!check.ok) {
        announce(t('triage.notice.failed', { what: ticketName(ticket), reason: textIn(check.message, lang) }), true);
        return;
      }
      if (check.reasonRequired && reason === undefined) {
        setDialog({ kind: 'reason', op, tickets: [ticket], bulk: false });
        return;
      }
      try {
        const updated = await call(op, ticket, reason);
        commands.settle([updated]);
        announce(success(op, updated));
        // In the list, a status change advances to the next row; with the ticket open, and after other actions,
        // the cursor stays on it (an advance would open the next ticket under the agent's eyes).
        if (ticket.id === cursorTicket.current?.id)
          runAction(op.kind === 'status' && !openTicketId ? 'list.advance' : 'list.hold', updated);
      } catch (error) {
        // A ticket shown from the server during the first sync: say why in the agent's language.
        const reason = deskErrorCode(error) === 'not_synced_yet' ? t('detail.fromServer') : deskErrorMessage(error);
        announce(t('triage.notice.failed', { what: ticketName(ticket), reason }), true);
      }
      return;
    }
    // One reason for the whole selection, asked before anything runs.
    if (reason === undefined && needingReason(user, tickets, op).length > 0) {
      setDialog({ kind: 'reason', op, tickets: [...tickets], bulk: true });
      return;
    }
    const updated: Ticket[] = [];
    setBulk({ progress: { done: 0, total: tickets.length }, result: null });
    const result = await runBulk(
      tickets,
      async (ticket) => {
        updated.push(await call(op, ticket, reason));
      },
      {
        // What the rules refuse stays selected with the reason, untouched.
        precheck: (ticket) =>
          refusal(user, ticket, op, lang) ?? (op.kind === 'status' ? transitionRefusal(ticket, op.status) : null),
        reasonOf: deskErrorMessage,
        onProgress: (done, total) => setBulk({ progress: { done, total }, result: null }),
      },
    );
    commands.settle(updated);
    // Done ones leave the selection; refused ones stay selected so the agent can deal with them.
    setSelectionState((current) => without(current, result.done));
    const byId = new Map(tickets.map((ticket) => [ticket.id, ticket]));
    setBulk({
      progress: null,
      result: {
        done: result.done.length,
        failed: result.failed.map((failure) => {
          const ticket = byId.get(failure.id);
          return { ...failure, what: ticket ? ticketName(ticket) : failure.id };
        }),
      },
    });
    announce(
      t('triage.notice.bulkDone', { done: result.done.length, failed: result.failed.length }),
      result.failed.length > 0,
    );
  }

  function focusList() {
    runAction('list.focus');
  }

  function back() {
    if (selection.size > 0) {
      setSelectionState(new Map());
      return;
    }
    const detail = document.querySelector('.ticket-detail');
    if (detail?.contains(document.activeElement)) {
      focusList();
      return;
    }
    if (openTicketId) onCloseTicket();
    focusList();
  }

  // Other features (the phone) say what they did in the same place: `{ text, alert? }`.
  useAction('notice.show', (arg) => {
    const { text, alert } = (arg ?? {}) as { text?: unknown; alert?: unknown };
    if (typeof text === 'string') announce(text, alert === true);
  });
  useAction('console.back', back);
  useAction('help.open', () => setDialog({ kind: 'help' }));
  useAction('palette.open', () => {
    // A menu (help, assignee, step) gives way to the palette, as it does whenever focus leaves it; a form (the note
    // box here, search, intake and the step form elsewhere) stays beneath it, with what was typed, until Esc.
    setDialog((current) => (current && current.kind !== 'note' ? null : current));
    setPalette(true);
  });
  useAction('ticket.assign', () => {
    const target = targets();
    if (target) setDialog({ kind: 'assign', ...target });
  });
  useAction('ticket.assignToMe', () => {
    const target = targets();
    if (target) void execute({ kind: 'assign', user }, target.tickets, target.bulk);
  });
  useAction('ticket.priority', (arg) => {
    const priority = Number(arg);
    if (!Number.isInteger(priority) || priority < 0 || priority > 4) return;
    const target = targets();
    if (target) void execute({ kind: 'priority', priority }, target.tickets, target.bulk);
  });
  useAction('ticket.step', () => {
    const target = targets();
    if (target) setDialog({ kind: 'step', ...target });
  });
  useAction('ticket.note', () => {
    const ticket = currentTicket();
    if (ticket) setDialog({ kind: 'note', ticket });
    else announce(t('triage.notice.noTicket'), true);
  });
  useAction('view.go', (arg) => {
    if (isKnownView(arg)) {
      onView(arg);
      setTimeout(focusList, 0); // the list of the new view mounts first
      return;
    }
    const go = GO_VIEWS.find((candidate) => candidate.view === arg);
    announce(t('triage.notice.viewMissing', { view: go ? textIn(go.name, lang) : String(arg) }), true);
  });
  useAction('ticket.open', (arg) => {
    if (typeof arg === 'string') onShowTicket(arg);
  });

  useConsoleKeys({
    onChord: setChord,
    onUnavailable: (binding) => announce(t('triage.notice.unavailable', { action: textIn(binding.label, lang) }), true),
  });

  const runFromPalette = (action: string, arg?: unknown) => {
    if (!runAction(action, arg)) {
      const binding = COMPILED_BINDINGS.find((b) => b.action === action);
      announce(t('triage.notice.unavailable', { action: binding ? textIn(binding.label, lang) : action }), true);
    }
  };

  // The context value changes only with the selection or a bulk run: notices, chords and dialogs re-render this
  // provider often, and a new value would re-render the (long) ticket list each time. `execute` is read through
  // a ref as it closes over everything above.
  const executeRef = useRef(execute);
  useLayoutEffect(() => {
    executeRef.current = execute;
  });
  const triage = useMemo<Triage>(
    () => ({
      selection,
      setSelection: (update) => setSelectionState(update),
      cursorTicket,
      bulk,
      dismissBulkResult: () => setBulk((current) => ({ ...current, result: null })),
      openBulk: (kind) => {
        if (selection.size === 0) return;
        const tickets = [...selection.values()];
        setDialog(kind === 'assign' ? { kind: 'assign', tickets, bulk: true } : { kind: 'step', tickets, bulk: true });
      },
      bulkPriority: (priority) => {
        if (selection.size > 0) void executeRef.current({ kind: 'priority', priority }, [...selection.values()], true);
      },
    }),
    [selection, bulk],
  );

  const close = () => setDialog(null);
  const continuations = chord
    ? COMPILED_BINDINGS.filter((b) => b.scope === 'console').flatMap((b) =>
        b.sequences
          .filter((seq) => seq.length > chord.length && chord.every((step, i) => seq[i] === step))
          .map((seq) => ({ key: seq[chord.length] ?? '', label: textIn(b.label, lang) })),
      )
    : [];

  return (
    <TriageContext.Provider value={triage}>
      {children}
      {chord && (
        <div className="kb-chord" role="status">
          <kbd>{chord.map(displayStep).join(' ')}</kbd> …
          <ul>
            {continuations.map((next) => (
              <li key={next.key}>
                <kbd>{displayStep(next.key)}</kbd> {next.label}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="kb-notice-area">
        <div role="status" aria-live="polite">
          {notice && !notice.alert && <p className="kb-notice">{notice.text}</p>}
        </div>
        <div role="alert">{notice?.alert && <p className="kb-notice kb-notice-alert">{notice.text}</p>}</div>
      </div>
      {dialog?.kind === 'help' && <HelpOverlay onClose={close} />}
      {dialog?.kind === 'assign' && (
        <AssignPicker
          what={what(dialog.tickets)}
          currentAssigneeId={dialog.bulk ? null : (dialog.tickets[0]?.assigneeId ?? null)}
          onClose={close}
          onChoose={(chosen) => {
            close();
            void execute({ kind: 'assign', user: chosen }, dialog.tickets, dialog.bulk);
          }}
        />
      )}
      {dialog?.kind === 'step' && (
        <StepMenu
          what={what(dialog.tickets)}
          tickets={dialog.tickets}
          onClose={close}
          onRun={(status, ready) => {
            close();
            // Bulk: run on every selected ticket so the ones that cannot move are reported and stay selected.
            void execute({ kind: 'status', status }, dialog.bulk ? dialog.tickets : ready, dialog.bulk);
          }}
          onForm={(ticket, status) => {
            close();
            setTimeout(() => runAction('ticket.stepForm', { ticketId: ticket.id, status }), 0);
          }}
        />
      )}
      {dialog?.kind === 'note' && (
        <NoteBox
          what={ticketName(dialog.ticket)}
          onClose={close}
          onSave={async (body) => {
            const ticket = dialog.ticket;
            try {
              await commands.comment(ticket.id, body);
            } catch (error) {
              throw new Error(deskErrorMessage(error), { cause: error });
            }
            // The timeline refetches on the host's tickets.changed for the note.
            announce(t('triage.notice.noteSaved', { what: ticketName(ticket) }));
            // A note is activity too (it would lift the ticket to the top): keep the cursor on it.
            if (ticket.id === cursorTicket.current?.id) runAction('list.hold', ticket);
          }}
        />
      )}
      {dialog?.kind === 'reason' && (
        <ReasonDialog
          what={what(dialog.tickets)}
          question={reasonQuestion(dialog.op)}
          priority={dialog.op.kind === 'priority' ? dialog.op.priority : undefined}
          onClose={close}
          onSubmit={async (reason) => {
            // The dialog closes; what the change did is announced like any other action's result.
            void execute(dialog.op, dialog.tickets, dialog.bulk, reason);
          }}
        />
      )}
      {palette && (
        <CommandPalette onClose={() => setPalette(false)} onRun={runFromPalette} onOpenTicket={onShowTicket} />
      )}
    </TriageContext.Provider>
  );
}
