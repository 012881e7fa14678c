/**
 * The phone in the console (issue 10 items 6–7): keeps the call cache fresh, decides which pops are on screen
 * (./popState), runs the call keys (answer, hang up, hold/resume, wrap up — through the binding table's `global`
 * bindings) and shows the pops and the wrap-up form in the console's right-hand column.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Call, User } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { usePhoneFormat } from '../console/phoneDisplay';
import { useAction } from '../console/keyboard/registry';
import { ticketName } from '../console/keyboard/triageContext';
import { openIntake } from '../intake/intakeStore';
import { CallPop, type PopHandle } from './CallPop';
import { announce, phoneErrorReason } from './notify';
import {
  answeredHere,
  applyCall,
  callFor,
  dismissPop,
  focused,
  syncActive,
  NO_POPS,
  openWrapUp,
  popGone,
  wrapUpDone,
  type PopState,
} from './popState';
import { phoneKeys, useActiveCalls, usePhoneEvents, usePresence } from './queries';
import { WrapUpPanel } from './WrapUpPanel';
import './phone.css';

type Control = 'answer' | 'hangup' | 'hold' | 'resume';

type PopAction =
  | { kind: 'call'; call: Call }
  | { kind: 'active'; calls: readonly Call[] }
  | { kind: 'focused' }
  | { kind: 'dismiss'; id: string }
  | { kind: 'gone'; id: string }
  | { kind: 'wrapUp'; id: string }
  | { kind: 'wrapUpDone' };

export function PhoneHost({ user, onOpenTicket }: { user: User; onOpenTicket: (ticketId: string) => void }) {
  const { t } = useTranslation();
  const phone = usePhoneFormat();
  const client = useQueryClient();
  usePhoneEvents();
  const reduce = useCallback(
    (state: PopState, action: PopAction): PopState => {
      switch (action.kind) {
        case 'call':
          return applyCall(state, action.call, user);
        case 'active':
          return syncActive(state, action.calls, user);
        case 'focused':
          return focused(state);
        case 'dismiss':
          return dismissPop(state, action.id);
        case 'gone':
          return popGone(state, action.id);
        case 'wrapUp':
          return openWrapUp(state, action.id);
        case 'wrapUpDone':
          return wrapUpDone(state);
      }
    },
    [user],
  );
  const [state, dispatch] = useReducer(reduce, NO_POPS);
  const presence = usePresence().data?.mine ?? null;
  const primary = useRef<PopHandle | null>(null);

  // Calls already ringing or under way when the console starts (or comes back), then each report as it comes.
  const active = useActiveCalls().data;
  useEffect(() => {
    if (active) dispatch({ kind: 'active', calls: active });
  }, [active]);
  useEffect(() => {
    const ringing = desk.on('call.ringing', ({ call }) => {
      dispatch({ kind: 'call', call });
      const raw = call.direction === 'inbound' ? call.from : call.to;
      announce(t('phone.pop.announce', { caller: call.callerName ?? (raw ? phone(raw) : t('phone.pop.withheld')) }));
    });
    const updated = desk.on('call.updated', ({ call }) => dispatch({ kind: 'call', call }));
    return () => {
      ringing();
      updated();
    };
  }, [t, phone]);

  // A console opened in the middle of after-call work picks up the wrap-up where the desk says it is.
  const wrapUpCallId = presence?.state === 'wrap_up' ? presence.callId : null;
  const offered = useRef<string | null>(null);
  useEffect(() => {
    if (!wrapUpCallId || offered.current === wrapUpCallId) return;
    offered.current = wrapUpCallId;
    if (state.wrapUpId === null && state.lastMineId !== wrapUpCallId) dispatch({ kind: 'wrapUp', id: wrapUpCallId });
  }, [wrapUpCallId, state.wrapUpId, state.lastMineId]);

  async function control(action: Control, call: Call | undefined) {
    try {
      await desk.calls[action](call ? { id: call.id } : {});
    } catch (error) {
      announce(
        t('phone.notice.failed', { action: t(`phone.action.${action}`), reason: phoneErrorReason(error, t) }),
        true,
      );
    }
  }

  // Answer and hang up also reach a softphone ringing without a pop (the host knows its own call).
  useAction('call.answer', () => void control('answer', callFor(state, 'answer', user)));
  useAction('call.hangup', () => void control('hangup', callFor(state, 'hangup', user)));
  useAction('call.holdToggle', () => {
    const call = callFor(state, 'hold', user);
    if (!call) announce(t('phone.notice.noCall'), true);
    else void control(call.state === 'held' ? 'resume' : 'hold', call);
  });
  useAction('call.wrapUp', () => {
    const id = state.wrapUpId ?? callFor(state, 'hold', user)?.id ?? presence?.callId ?? state.lastMineId;
    if (id) dispatch({ kind: 'wrapUp', id });
    else announce(t('phone.notice.noWrapUp'), true);
  });

  // The primary pop — the call the agent is on, else the oldest ringing one — is what `l` and `n` act on.
  const primaryCall = state.pops.find((pop) => answeredHere(pop, user)) ?? state.pops[0];
  useAction('call.linkTicket', () => {
    const call = primaryCall;
    const ticket = primary.current?.selectedTicket();
    if (!call) return announce(t('phone.notice.noPop'), true);
    if (!ticket) return announce(t('phone.notice.noTicket'), true);
    desk.calls.link({ id: call.id, ticketId: ticket.id }).then(
      () => announce(t('phone.notice.linkedTicket', { what: ticketName(ticket) })),
      (error: unknown) =>
        announce(
          t('phone.notice.failed', { action: t('phone.action.link'), reason: phoneErrorReason(error, t) }),
          true,
        ),
    );
  });

  return (
    <>
      {primaryCall && <IntakeFromCall call={primaryCall} pop={primary} />}
      {(state.pops.length > 0 || state.wrapUpId) && (
        <aside className="phone-side" aria-label={t('phone.nav.label')}>
          {state.pops.map((call) => (
            <CallPop
              key={call.id}
              call={call}
              mine={answeredHere(call, user)}
              focus={state.focusId === call.id}
              onFocused={() => dispatch({ kind: 'focused' })}
              onOpenTicket={onOpenTicket}
              onControl={(action, target) => void control(action, target)}
              onClose={() => dispatch({ kind: 'dismiss', id: call.id })}
              onGone={() => {
                // Re-keyed when the server's copy arrived: the live list names it anew.
                dispatch({ kind: 'gone', id: call.id });
                void client.invalidateQueries({ queryKey: phoneKeys.active });
              }}
              handle={call.id === primaryCall?.id ? primary : undefined}
            />
          ))}
          {state.wrapUpId && (
            <WrapUpPanel
              key={state.wrapUpId}
              callId={state.wrapUpId}
              onOpenTicket={onOpenTicket}
              onDone={() => dispatch({ kind: 'wrapUpDone' })}
            />
          )}
        </aside>
      )}
    </>
  );
}

/**
 * While a call is popped, `n` opens intake with the caller's number, the resident and unit the pop identified, and
 * the call to link (registered over intake's own `intake.open` for as long as this is mounted).
 */
function IntakeFromCall({ call, pop }: { call: Call; pop: { current: PopHandle | null } }) {
  useAction('intake.open', () => {
    const data = pop.current?.data();
    const resident = data?.resident ?? null;
    openIntake({
      phone: (call.direction === 'inbound' ? call.from : call.to) ?? undefined,
      callId: call.id,
      residentId: resident?.residentId,
      unitId: resident?.units[0]?.id,
    });
  });
  return null;
}
