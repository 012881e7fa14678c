/** The ticket's insert-only history: creation, status moves, assignments and notes, oldest first. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TicketStatus, type Ticket, type TicketEvent } from '../../../../common/domain';
import { useLabels, type Labels } from '../../i18n/labels';
import { formatFullTime, useTimeFormat } from './formatTime';
import type { Directory } from './useDirectory';

export function TicketTimeline({
  ticket,
  events,
  directory,
  historyNotice,
}: {
  ticket: Ticket;
  events: TicketEvent[];
  directory: Directory;
  /** Said under the heading when earlier events are not in the cache; then an empty list is not "no events". */
  historyNotice?: ReactNode;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const timeFormat = useTimeFormat();
  const sorted = [...events].sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  return (
    <div className="timeline">
      <h3 className="detail-subheading">{t('detail.timeline')}</h3>
      {historyNotice}
      {sorted.length === 0 ? (
        !historyNotice && <p className="detail-placeholder">{t('detail.noEvents')}</p>
      ) : (
        <ol>
          {sorted.map((event) => {
            const author = event.authorId
              ? (directory.user(event.authorId)?.name ?? t('detail.unknownUser'))
              : t('event.system');
            const summary = summarize(event, ticket, labels, directory, t);
            // A status note or a comment carries its own text; the "created" body is just the title again.
            const text = event.kind === 'created' ? '' : event.body;
            return (
              <li key={event.id} className={`timeline-event kind-${event.kind}`}>
                <div className="event-head">
                  <span className="event-author">{author}</span>
                  <span className="event-summary">{summary}</span>
                  <time dateTime={event.createdAt}>{formatFullTime(event.createdAt, timeFormat)}</time>
                </div>
                {text && <p className="event-body">{text}</p>}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}

type Translate = ReturnType<typeof useTranslation>['t'];

function summarize(event: TicketEvent, ticket: Ticket, labels: Labels, directory: Directory, t: Translate): string {
  const status = (value: unknown) => {
    const parsed = TicketStatus.safeParse(value);
    return parsed.success ? labels.status(ticket.type, parsed.data) : String(value ?? '');
  };
  switch (event.kind) {
    case 'created':
      return t('event.created');
    case 'status':
      return t('event.status', { from: status(event.data.from), to: status(event.data.to) });
    case 'assign': {
      const to = typeof event.data.to === 'string' ? event.data.to : null;
      if (!to) return t('event.unassign');
      return t('event.assign', { name: directory.user(to)?.name ?? t('detail.unknownUser') });
    }
    case 'comment':
      return t('event.comment');
    case 'priority':
      return t('event.priority', { priority: labels.priority(Number(event.data.to ?? event.body)) });
    case 'edit':
      return t('event.edit');
    case 'tags':
      return t('event.tags');
    case 'conflict':
      return t('event.conflict');
  }
}
