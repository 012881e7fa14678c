/** The open ticket: its facts, the actions an agent can take on it, and its timeline. */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryRefusal } from '../../../../common/contract';
import type { Ticket, User } from '../../../../common/domain';
import { deskErrorMessage } from '../../api/errors';
import { backOnlineAt, deskKeys, useSyncStatus, useTicket } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import { DialButton } from '../phone/DialButton';
import { MaskedPhoneNumber } from '../phone/MaskedPhoneNumber';
import { FeePanel } from './fee/FeePanel';
import { formatFullTime, useTimeFormat } from './formatTime';
import { JUST_SHOWN, historyAskAgain, historyNoticeText, type SyncState } from './historyNotice';
import { SopCard } from './sop/SopCard';
import { TicketActions } from './TicketActions';
import { TicketTimeline } from './TicketTimeline';
import { useDirectory, type Directory } from './useDirectory';

/**
 * The ticket's earlier events are not in the cache (a first pull leaves out the history of tickets nobody works on):
 * the desk is fetching them, cannot while offline, or the server refused them. Reading the detail asks the desk for
 * them, so the line has it read again only when that read could not have: see historyAskAgain.
 */
function HistoryMissing({
  ticketId,
  refused,
  readAt,
}: {
  ticketId: string;
  refused: HistoryRefusal | undefined;
  readAt: number;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const state = useSyncStatus().data?.state;
  const previous = useRef<SyncState | undefined | typeof JUST_SHOWN>(JUST_SHOWN);
  useEffect(() => {
    const ask = historyAskAgain({
      previous: previous.current,
      current: state,
      refused: refused !== undefined,
      readAt,
      backOnlineAt: backOnlineAt(client),
    });
    previous.current = state;
    if (ask) void client.invalidateQueries({ queryKey: deskKeys.ticket(ticketId) });
  }, [state, refused, readAt, client, ticketId]);
  return (
    <p className="detail-placeholder" role="status" data-testid="history-missing">
      {historyNoticeText({ offline: state === 'offline', refused }, t)}
    </p>
  );
}

export function TicketDetail({ ticketId, user }: { ticketId: string | null; user: User }) {
  const { t } = useTranslation();
  const detail = useTicket(ticketId);
  const directory = useDirectory();

  let body;
  if (ticketId === null) body = <p className="detail-placeholder">{t('detail.placeholder')}</p>;
  else if (detail.isPending) body = <p className="detail-placeholder">{t('detail.loading')}</p>;
  else if (detail.isError)
    body = (
      <p className="inline-error" role="alert">
        {t('detail.failed', { message: deskErrorMessage(detail.error) })}
      </p>
    );
  else if (!detail.data) body = <p className="detail-placeholder">{t('detail.notFound')}</p>;
  else
    body = (
      <>
        <TicketFacts ticket={detail.data.ticket} directory={directory} />
        {detail.data.fromServer ? (
          // Not in the cache yet (first sync): shown from the server, worked on once it arrives.
          <p className="detail-placeholder" role="status" data-testid="ticket-from-server">
            {t('detail.fromServer')}
          </p>
        ) : (
          <>
            <SopCard ticket={detail.data.ticket} directory={directory} />
            {detail.data.ticket.type === 'fee' && <FeePanel key={detail.data.ticket.id} ticket={detail.data.ticket} />}
            {/* Keyed by status so the next-status choice resets when the ticket moves on. */}
            <TicketActions
              key={`${detail.data.ticket.id}:${detail.data.ticket.status}`}
              ticket={detail.data.ticket}
              user={user}
            />
          </>
        )}
        <TicketTimeline
          ticket={detail.data.ticket}
          events={detail.data.events}
          directory={directory}
          historyNotice={
            detail.data.historyMissing && (
              // Keyed: another ticket's line is drawn anew (its own first check).
              <HistoryMissing
                key={detail.data.ticket.id}
                ticketId={detail.data.ticket.id}
                refused={detail.data.historyRefused}
                readAt={detail.dataUpdatedAt}
              />
            )
          }
        />
      </>
    );

  return (
    <section className="ticket-detail" aria-label={t('detail.label')}>
      {body}
    </section>
  );
}

function TicketFacts({ ticket, directory }: { ticket: Ticket; directory: Directory }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const timeFormat = useTimeFormat();
  const team = directory.team(ticket.teamId);
  const assignee = directory.user(ticket.assigneeId);
  const none = t('detail.none');
  const facts: [label: string, value: ReactNode][] = [
    [t('detail.type'), labels.type(ticket.type)],
    [t('detail.category'), labels.category(ticket.category)],
    [t('detail.channel'), labels.channel(ticket.channel)],
    [t('detail.priority'), labels.priority(ticket.priority)],
    [t('detail.unit'), ticket.unitCode ?? none],
    [t('detail.resident'), ticket.residentName ?? none],
    [
      t('detail.phone'),
      ticket.phone ? (
        <>
          <MaskedPhoneNumber
            target={{ subject: 'ticket', id: ticket.id }}
            shown={ticket.phone}
            numberClass="fact-phone"
          />{' '}
          <DialButton target={{ subject: 'ticket', id: ticket.id }} shown={ticket.phone} />
        </>
      ) : (
        none
      ),
    ],
    [t('detail.team'), team ? labels.team(team) : (ticket.teamId ?? none)],
    [t('detail.assignee'), ticket.assigneeId ? (assignee?.name ?? t('detail.unknownUser')) : t('detail.unassigned')],
    [t('detail.createdAt'), formatFullTime(ticket.createdAt, timeFormat)],
  ];

  return (
    <div className="detail-facts">
      <div className="detail-heading">
        <span className={`priority-badge p${ticket.priority}`}>P{ticket.priority}</span>
        <span className={ticket.code ? 'detail-code' : 'detail-code pending'}>
          {ticket.code ?? t('list.pendingCode')}
        </span>
        <span className={`status-chip status-${ticket.status}`}>{labels.status(ticket.type, ticket.status)}</span>
      </div>
      <h2 className="detail-title">{ticket.title}</h2>
      <dl className="fact-grid">
        {facts.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3 className="detail-subheading">{t('detail.description')}</h3>
      <p className="detail-description">{ticket.description || t('detail.noDescription')}</p>
    </div>
  );
}
