/** A binding's keys as <kbd> elements: alternatives "j or ↓", chords "g then u". */
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { displayStep } from './keys';

export function KeyHint({
  sequences,
  compact = false,
}: {
  sequences: readonly (readonly string[])[];
  compact?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <span className="kb-keys">
      {sequences.map((sequence, i) => (
        <Fragment key={sequence.join(' ')}>
          {i > 0 && <span className="kb-sep">{compact ? '/' : t('triage.help.or')}</span>}
          {sequence.map((step, j) => (
            <Fragment key={j}>
              {j > 0 && !compact && <span className="kb-sep">{t('triage.help.then')}</span>}
              <kbd>{displayStep(step)}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </span>
  );
}
