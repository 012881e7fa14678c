/**
 * `s`: the allowed next steps of the ticket(s) from common/workflows. A step that needs a record opens the
 * step form (`ticket.stepForm`) when one is registered; otherwise it is shown disabled with what it needs.
 */
import { Command } from 'cmdk';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../../../common/domain';
import { useLabels } from '../../../i18n/labels';
import { ModalDialog } from './ModalDialog';
import { hasAction, useActionRegistryVersion } from './registry';
import { stepOptions, type StepOption } from './steps';

export function StepMenu({
  what,
  tickets,
  onRun,
  onForm,
  onClose,
}: {
  what: string;
  tickets: readonly Ticket[];
  onRun: (status: TicketStatus, ready: Ticket[]) => void;
  onForm: (ticket: Ticket, status: TicketStatus) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  useActionRegistryVersion();
  const options = stepOptions(tickets, hasAction('ticket.stepForm'));
  const list = i18n.language === 'en' ? ', ' : '、';

  const note = (option: StepOption): string | null => {
    const needs = option.missing.map((key) => t(`triage.outputs.${key}`)).join(list);
    if (option.mode === 'form') return t('triage.step.needsForm', { what: needs });
    if (option.mode === 'blocked') return t('triage.step.needsRecord', { what: needs });
    if (tickets.length > 1 && option.ready.length < tickets.length) {
      return t('triage.step.someOnly', { count: option.ready.length, total: tickets.length });
    }
    return null;
  };

  return (
    <ModalDialog title={t('triage.step.title', { what })} className="kb-picker" popup onClose={onClose}>
      <Command label={t('triage.step.title', { what })} loop>
        {/* A filter box too, so a long step list can be narrowed by typing (e.g. "派单"). */}
        <Command.Input className="kb-palette-input" aria-label={t('triage.step.title', { what })} />
        <Command.List className="kb-palette-list">
          {options.length === 0 && <p className="kb-muted kb-pad">{t('triage.step.none')}</p>}
          {options.map((option) => {
            const sample = option.allowed[0] ?? tickets[0];
            const label = sample ? labels.status(sample.type, option.status) : option.status;
            const hint = note(option);
            return (
              <Command.Item
                key={option.status}
                value={`${label} ${option.status}`}
                disabled={option.mode === 'blocked'}
                onSelect={() => {
                  if (option.mode === 'run') onRun(option.status, option.ready);
                  else if (option.mode === 'form' && sample) onForm(sample, option.status);
                }}
              >
                <span className="kb-palette-label">{label}</span>
                {hint && <span className="kb-muted">{hint}</span>}
              </Command.Item>
            );
          })}
        </Command.List>
      </Command>
    </ModalDialog>
  );
}
