/** One call of the calls views: when, who, how it went, its tickets, and its callback (claim, dial back, result). */
import { useTranslation } from 'react-i18next';
import type { Call } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { useTicket } from '../../api/queries';
import { formatFullTime, useTimeFormat } from '../console/formatTime';
import { ticketName } from '../console/keyboard/triageContext';
import { usePhoneFormat } from '../console/phoneDisplay';
import { useDirectory } from '../console/useDirectory';
import { CallbackState, CallbackWork } from './CallbackBox';
import { claimHolder } from './callsCursor';
import { DialButton } from './DialButton';
import { MaskedPhoneNumber } from './MaskedPhoneNumber';
import { formatSeconds } from './format';
import { useDispositionLabel } from './labels';
import { announce } from './notify';
import { CandidateTags } from './PopSections';
import { useCallPop } from './queries';

/** Claims a callback; a claim lost to another agent says who has it. Resolves whether it was won. */
export function useClaim(): (call: Call) => Promise<boolean> {
  const { t } = useTranslation();
  const phone = usePhoneFormat();
  return async (call) => {
    try {
      await desk.calls.claimCallback({ id: call.id });
      announce(t('phone.notice.claimed', { number: call.from ? phone(call.from) : t('phone.pop.withheld') }));
      return true;
    } catch (error) {
      const message = deskErrorMessage(error);
      const holder = deskErrorCode(error) === 'callback_claimed' ? claimHolder(message) : null;
      announce(
        holder
          ? t('phone.notice.claimedBy', { name: holder })
          : t('phone.notice.failed', { action: t('phone.action.claim'), reason: message }),
        true,
      );
      return false;
    }
  };
}

export function CallDetail({
  call,
  focusResult,
  onResultFocused,
  onOpenTicket,
}: {
  call: Call | null;
  /** Enter asked for the result form (the agent holds, or just won, the claim). */
  focusResult: boolean;
  onResultFocused: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <section className="ticket-detail call-detail" aria-label={t('phone.calls.detail')}>
      {call ? (
        <CallFacts
          key={call.id}
          call={call}
          focusResult={focusResult}
          onResultFocused={onResultFocused}
          onOpenTicket={onOpenTicket}
        />
      ) : (
        <p className="detail-placeholder">{t('phone.calls.placeholder')}</p>
      )}
    </section>
  );
}

function CallFacts({
  call,
  focusResult,
  onResultFocused,
  onOpenTicket,
}: {
  call: Call;
  focusResult: boolean;
  onResultFocused: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t } = useTranslation();
  const timeFormat = useTimeFormat();
  const directory = useDirectory();
  const dispositionLabel = useDispositionLabel();
  const claim = useClaim();
  const pop = useCallPop(call.id).data;
  const raw = call.direction === 'inbound' ? call.from : call.to;
  const none = t('phone.calls.none');
  const resident = pop?.resident ?? null;
  const seconds = (value: number | null) => (value === null ? none : formatSeconds(value));
  const facts: [label: string, value: string][] = [
    [t('phone.calls.started'), formatFullTime(call.startedAt, timeFormat)],
    [t('phone.calls.waited'), seconds(call.waitingSeconds)],
    [t('phone.calls.talked'), seconds(call.talkingSeconds)],
    [t('phone.calls.agent'), directory.user(call.agentId)?.name ?? call.answeredBy ?? none],
    [t('phone.calls.resident'), resident?.name ?? call.callerName ?? none],
    [t('phone.calls.disposition'), call.disposition ? dispositionLabel(call.disposition) : none],
  ];

  return (
    <div className="detail-facts">
      <div className="detail-heading">
        <span className="call-direction">
          {t(call.direction === 'inbound' ? 'phone.calls.inbound' : 'phone.calls.outbound')}
        </span>
        <CallbackState call={call} />
      </div>
      <h2 className="detail-title">
        {raw ? (
          <>
            <MaskedPhoneNumber target={{ subject: 'call', id: call.id }} shown={raw} numberClass="call-detail-number" />{' '}
            <DialButton target={{ subject: 'call', id: call.id }} shown={raw} />
          </>
        ) : (
          t('phone.pop.withheld')
        )}
      </h2>
      {resident && <CandidateTags tags={resident.tags} />}
      <dl className="fact-grid">
        {facts.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {call.notes && (
        <>
          <h3 className="detail-subheading">{t('phone.calls.notes')}</h3>
          <p className="detail-description">{call.notes}</p>
        </>
      )}
      <h3 className="detail-subheading">{t('phone.calls.tickets')}</h3>
      {call.ticketIds.length === 0 ? (
        <p className="detail-placeholder">{none}</p>
      ) : (
        <ul className="pop-plain">
          {call.ticketIds.map((id) => (
            <li key={id}>
              <LinkedTicket id={id} onOpen={onOpenTicket} />
            </li>
          ))}
        </ul>
      )}
      {call.callback.state === 'open' && (
        <p>
          <button type="button" className="primary" onClick={() => void claim(call)}>
            {t('phone.callback.claim')}
          </button>
        </p>
      )}
      <CallbackWork call={call} focus={focusResult} onFocused={onResultFocused} />
    </div>
  );
}

function LinkedTicket({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const ticket = useTicket(id).data?.ticket;
  const what = ticket ? ticketName(ticket) : id.slice(0, 8);
  return (
    <button type="button" className="link-button" onClick={() => onOpen(id)}>
      {t('phone.calls.openTicket', { what })}
    </button>
  );
}
