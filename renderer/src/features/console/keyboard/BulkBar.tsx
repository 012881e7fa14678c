/**
 * "n selected" with bulk assign / status / priority, progress while a bulk run goes, and the summary of what
 * could not be done (with reasons) afterwards. Shown only while there is a selection, a run or a summary.
 */
import { useTranslation } from 'react-i18next';
import { useTriage } from './triageContext';

const PRIORITIES = [0, 1, 2, 3, 4] as const;

export function BulkBar() {
  const { t } = useTranslation();
  const { selection, setSelection, bulk, dismissBulkResult, openBulk, bulkPriority } = useTriage();
  const busy = bulk.progress !== null;
  if (selection.size === 0 && !bulk.progress && !bulk.result) return null;

  return (
    <div className="kb-bulk" role="region" aria-label={t('triage.bulk.label')}>
      {selection.size > 0 && (
        <div className="kb-bulk-row">
          <strong className="kb-bulk-count">{t('triage.bulk.selected', { count: selection.size })}</strong>
          <button type="button" disabled={busy} onClick={() => openBulk('assign')}>
            {t('triage.bulk.assign')}
          </button>
          <button type="button" disabled={busy} onClick={() => openBulk('status')}>
            {t('triage.bulk.status')}
          </button>
          <span className="kb-bulk-priority" role="group" aria-label={t('triage.bulk.priority')}>
            {PRIORITIES.map((priority) => (
              <button
                key={priority}
                type="button"
                disabled={busy}
                aria-label={t('triage.bulk.priorityOption', { priority })}
                onClick={() => bulkPriority(priority)}
              >
                P{priority}
              </button>
            ))}
          </span>
          <button type="button" className="link-button" disabled={busy} onClick={() => setSelection(() => new Map())}>
            {t('triage.bulk.clear')}
          </button>
        </div>
      )}
      {bulk.progress && (
        <div className="kb-bulk-row">
          <progress
            value={bulk.progress.done}
            max={bulk.progress.total}
            aria-label={t('triage.bulk.progress', bulk.progress)}
          />
          <span>{t('triage.bulk.progress', bulk.progress)}</span>
        </div>
      )}
      {bulk.result && (
        <div className="kb-bulk-result">
          <span>{t('triage.bulk.done', { count: bulk.result.done })}</span>
          {bulk.result.failed.length > 0 && (
            <>
              <span>{t('triage.bulk.failed', { count: bulk.result.failed.length })}</span>
              <ul>
                {bulk.result.failed.map((failure) => (
                  <li key={failure.id}>{t('triage.bulk.failure', { what: failure.what, reason: failure.reason })}</li>
                ))}
              </ul>
            </>
          )}
          <button type="button" className="link-button" onClick={dismissBulkResult}>
            {t('triage.bulk.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
