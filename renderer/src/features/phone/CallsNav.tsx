/** The navigation's phone group: today's calls and the missed calls with their live count of open callbacks. */
import { useTranslation } from 'react-i18next';
import { useMissedCount, type CallsView } from './queries';

export function CallsNav({ active, onSelect }: { active: CallsView | null; onSelect: (view: CallsView) => void }) {
  const { t, i18n } = useTranslation();
  const missed = useMissedCount().data ?? 0;
  const number = new Intl.NumberFormat(i18n.language);
  const item = (view: CallsView, badge: number | null) => (
    <button
      type="button"
      className="view-button"
      aria-current={view === active ? 'true' : undefined}
      onClick={() => onSelect(view)}
    >
      <span className="view-label">{t(`phone.nav.${view}`)}</span>
      {badge !== null && badge > 0 ? (
        <span className="calls-badge">
          <span aria-hidden="true">{number.format(badge)}</span>
          <span className="sop-sr-only">{t('phone.nav.missedCount', { count: badge })}</span>
        </span>
      ) : (
        <span className="view-count" />
      )}
    </button>
  );
  return (
    <>
      <h2 className="view-group" id="view-nav-phone">
        {t('phone.nav.label')}
      </h2>
      <ul aria-labelledby="view-nav-phone">
        <li>{item('today', null)}</li>
        <li>{item('missed', missed)}</li>
      </ul>
    </>
  );
}
