/**
 * Ctrl+K: every palette action of the binding table with its key hint, every view, and jump-to-ticket by
 * code (tickets.search, keeping hits whose code matches). Enter runs, Esc closes; focus goes back where it
 * was (ModalDialog), then the chosen action runs.
 */
import { useQuery } from '@tanstack/react-query';
import { Command } from 'cmdk';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VIEW_IDS } from '../../../../../common/contract';
import { desk } from '../../../api/desk';
import { deskErrorMessage } from '../../../api/errors';
import { useLabels } from '../../../i18n/labels';
import { useDebounced } from '../../../hooks/useDebounced';
import { COMPILED_BINDINGS, GO_VIEWS, isKnownView, textIn } from './bindings';
import { KeyHint } from './KeyHint';
import { displayStep } from './keys';
import { ModalDialog } from './ModalDialog';
import { codeMatches, matchesQuery } from './paletteFilter';
import { hasAction, useActionRegistryVersion } from './registry';

const SEARCH_DELAY_MS = 150;
/** Codes look like BX-20261126-0042; two characters are enough to start looking. */
const MIN_CODE_QUERY = 2;

export function CommandPalette({
  onClose,
  onRun,
  onOpenTicket,
}: {
  onClose: () => void;
  onRun: (action: string, arg?: unknown) => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  useActionRegistryVersion();
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState('');
  const codeQuery = useDebounced(query.trim(), SEARCH_DELAY_MS);
  const search = useQuery({
    queryKey: ['triage', 'palette', codeQuery],
    queryFn: () => desk.tickets.search({ q: codeQuery, limit: 10 }),
    enabled: codeQuery.length >= MIN_CODE_QUERY,
    staleTime: 10_000,
  });
  const tickets =
    codeQuery.length >= MIN_CODE_QUERY
      ? (search.data?.items ?? []).filter(
          (item) => item.highlights.some((h) => h.field === 'code') || codeMatches(item.ticket.code, codeQuery),
        )
      : [];

  /** Close first (focus returns to the list), then run, so a follow-up dialog remembers the right place. */
  const choose = (run: () => void) => {
    onClose();
    setTimeout(run, 0);
  };

  const actions = COMPILED_BINDINGS.filter((b) => b.scope === 'console' && b.palette).filter((b) =>
    matchesQuery(`${b.label.zh} ${b.label.en} ${b.sequences.flat().map(displayStep).join(' ')}`, query),
  );
  const goViews = new Set<string>(GO_VIEWS.map((go) => go.view));
  const views = VIEW_IDS.filter((view) => !goViews.has(view)).filter((view) =>
    matchesQuery(`${labels.view(view)} ${view}`, query),
  );

  // cmdk selects the first item only when the query changes; ticket hits arrive later, so keep a valid
  // selection ourselves: the chosen item if it is still shown, else the first one (Enter always runs something).
  const shown = [
    ...tickets.map(({ ticket }) => `ticket:${ticket.id}`),
    ...actions.map((binding) => `action:${binding.action}:${binding.arg ?? ''}`),
    ...views.map((view) => `view:${view}`),
  ];
  const current = shown.includes(selected) ? selected : (shown[0] ?? '');

  return (
    <ModalDialog title={t('triage.palette.title')} className="kb-palette" popup onClose={onClose}>
      <Command label={t('triage.palette.title')} shouldFilter={false} loop value={current} onValueChange={setSelected}>
        <Command.Input
          className="kb-palette-input"
          value={query}
          onValueChange={setQuery}
          placeholder={t('triage.palette.placeholder')}
          aria-label={t('triage.palette.placeholder')}
        />
        <Command.List className="kb-palette-list">
          {search.isFetching && <Command.Loading>{t('triage.palette.searching')}</Command.Loading>}
          {search.error && (
            <p className="inline-error" role="alert">
              {t('triage.palette.failed', { message: deskErrorMessage(search.error) })}
            </p>
          )}
          {tickets.length > 0 && (
            <Command.Group heading={t('triage.palette.tickets')}>
              {tickets.map(({ ticket }) => (
                <Command.Item
                  key={ticket.id}
                  value={`ticket:${ticket.id}`}
                  onSelect={() => choose(() => onOpenTicket(ticket.id))}
                >
                  <span className="row-code">{ticket.code}</span>
                  <span className="kb-palette-label">{ticket.title}</span>
                  <span className={`status-chip status-${ticket.status}`}>
                    {labels.status(ticket.type, ticket.status)}
                  </span>
                </Command.Item>
              ))}
            </Command.Group>
          )}
          {actions.length > 0 && (
            <Command.Group heading={t('triage.palette.actions')}>
              {actions.map((binding) => {
                const missing =
                  (binding.action === 'view.go' && !isKnownView(binding.arg)) || !hasAction(binding.action);
                return (
                  <Command.Item
                    key={`${binding.action}:${binding.arg ?? ''}`}
                    value={`action:${binding.action}:${binding.arg ?? ''}`}
                    disabled={missing}
                    onSelect={() => choose(() => onRun(binding.action, binding.arg))}
                  >
                    <span className="kb-palette-label">
                      {textIn(binding.label, i18n.language)}
                      {missing && <span className="kb-muted">（{t('triage.palette.unavailable')}）</span>}
                    </span>
                    <KeyHint sequences={binding.sequences} compact />
                  </Command.Item>
                );
              })}
            </Command.Group>
          )}
          {views.length > 0 && (
            <Command.Group heading={t('triage.palette.views')}>
              {views.map((view) => (
                <Command.Item key={view} value={`view:${view}`} onSelect={() => choose(() => onRun('view.go', view))}>
                  <span className="kb-palette-label">{t('triage.palette.goView', { view: labels.view(view) })}</span>
                </Command.Item>
              ))}
            </Command.Group>
          )}
          <Command.Empty>{t('triage.palette.empty')}</Command.Empty>
        </Command.List>
      </Command>
    </ModalDialog>
  );
}
