/** Left navigation: the ticket views with their live counts (refreshed by 'tickets.changed'). */
import { useTranslation } from 'react-i18next';
import { VIEW_IDS, type ViewId } from '../../../../common/contract';
import { useViews } from '../../api/queries';
import { useLabels } from '../../i18n/labels';

export function ViewNav({ active, onSelect }: { active: ViewId; onSelect: (view: ViewId) => void }) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const views = useViews();
  const counts = new Map(views.data?.map((view) => [view.id, view.count]));
  const number = new Intl.NumberFormat(i18n.language);

  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      <ul>
        {VIEW_IDS.map((view) => {
          const count = counts.get(view);
          return (
            <li key={view}>
              <button
                type="button"
                className="view-button"
                aria-current={view === active ? 'true' : undefined}
                onClick={() => onSelect(view)}
              >
                <span className="view-label">{labels.view(view)}</span>
                <span className="view-count">{count === undefined ? '' : number.format(count)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
