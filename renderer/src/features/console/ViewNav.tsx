/**
 * Left navigation: the ticket views with their live counts (refreshed by 'tickets.changed' and each minute, since
 * overdue / at risk move with the clock); the team queues as their own group, then the groups passed in.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEW_IDS, type ViewId } from '../../../../common/contract';
import { useViews } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import './sla/sla.css';

const isTeamView = (view: ViewId) => view.startsWith('team.');

/** `active`: null while another screen (a calls view) is shown; `children`: further groups (the phone's). */
export function ViewNav({
  active,
  onSelect,
  children,
}: {
  active: ViewId | null;
  onSelect: (view: ViewId) => void;
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const views = useViews();
  const counts = new Map(views.data?.map((view) => [view.id, view.count]));
  const number = new Intl.NumberFormat(i18n.language);
  const item = (view: ViewId) => {
    const count = counts.get(view);
    return (
      <button
        type="button"
        className="view-button"
        aria-current={view === active ? 'true' : undefined}
        onClick={() => onSelect(view)}
      >
        <span className="view-label">{labels.view(view)}</span>
        <span className="view-count">{count === undefined ? '' : number.format(count)}</span>
      </button>
    );
  };

  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      <ul>
        {VIEW_IDS.filter((view) => !isTeamView(view)).map((view) => (
          <li key={view}>{item(view)}</li>
        ))}
      </ul>
      <h2 className="view-group" id="view-nav-teams">
        {t('nav.teams')}
      </h2>
      <ul aria-labelledby="view-nav-teams">
        {VIEW_IDS.filter(isTeamView).map((view) => (
          <li key={view}>{item(view)}</li>
        ))}
      </ul>
      {children}
    </nav>
  );
}
