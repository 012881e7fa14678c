/**
 * The `?` overlay: every binding of the table, grouped, in the agent's language. It opens at the top with its
 * title in view (focus on the dialog, which scrolls with ↑/↓/PgUp/PgDn); Tab reaches the close button, Esc closes.
 */
import { useTranslation } from 'react-i18next';
import { COMPILED_BINDINGS, GROUP_ORDER, GROUP_TITLES, textIn } from './bindings';
import { KeyHint } from './KeyHint';
import { ModalDialog } from './ModalDialog';

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const { t, i18n } = useTranslation();
  return (
    // Opens at the top, title in view: focus on the dialog itself, not on the close button at the bottom.
    <ModalDialog title={t('triage.help.title')} className="kb-help" popup initialFocus="dialog" onClose={onClose}>
      <p className="kb-help-intro">{t('triage.help.intro')}</p>
      <div className="kb-help-groups">
        {GROUP_ORDER.map((group) => {
          const bindings = COMPILED_BINDINGS.filter((binding) => binding.group === group);
          if (bindings.length === 0) return null;
          return (
            <section key={group} className="kb-help-group" aria-labelledby={`kb-help-${group}`}>
              <h3 id={`kb-help-${group}`}>
                {group === 'lead' && GROUP_TITLES.lead
                  ? textIn(GROUP_TITLES.lead, i18n.language)
                  : t(`triage.groups.${group as Exclude<typeof group, 'lead'>}`)}
              </h3>
              <dl>
                {bindings.map((binding) => (
                  <div key={`${binding.action}:${binding.arg ?? ''}:${binding.scope}`} className="kb-help-row">
                    <dt>
                      <KeyHint sequences={binding.sequences} compact={binding.sequences.length > 3} />
                    </dt>
                    <dd>{textIn(binding.label, i18n.language)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          );
        })}
      </div>
      <div className="kb-dialog-footer">
        <button type="button" onClick={onClose}>
          {t('triage.help.close')}
        </button>
      </div>
    </ModalDialog>
  );
}
