/**
 * The intake screen (issue 4 item 5): find the resident, pick the unit and category, accept or change the
 * suggested type/priority/team, type a title, Ctrl+Enter. Keyboard only; fields in tab order. When the unit and
 * category match an open ticket of the last 72 h, it offers linking instead: Enter adds an internal note to that
 * ticket and opens it, Ctrl+Enter still creates a new one. Esc cancels (asks first when something was typed).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CHANNELS,
  TICKET_TYPES,
  type Category,
  type Channel,
  type Priority,
  type Ticket,
  type TicketType,
} from '../../../../common/domain';
import { suggestIntake } from '../../../../common/intake/categories';
import type { ResidentMatch } from '../../../../common/residents/directory';
import { formatPhoneForDisplay } from '../../../../common/residents/phone';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { useTeams } from '../../api/queries';
import { useLabels } from '../../i18n/labels';
import { useDiscardGuard } from '../console/keyboard/DiscardConfirm';
import { MaskedPhoneNumber } from '../phone/MaskedPhoneNumber';
import { announce } from '../phone/notify';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { CategoryCombobox } from './CategoryCombobox';
import { agoParts } from './format';
import type { IntakePrefill } from './intakeStore';
import { useDuplicates, useResidentLookup } from './useIntakeQueries';

const PRIORITIES: Priority[] = [0, 1, 2, 3, 4];
const RELATIONS = ['owner', 'tenant', 'family'] as const;
type Relation = (typeof RELATIONS)[number];

type Resident = ResidentMatch['resident'];

/** The fields the agent set by hand; a new category's suggestion leaves them alone. */
interface Overrides {
  type?: TicketType;
  priority?: Priority;
  teamId?: string;
}

export function IntakeDialog({
  prefill,
  onClose,
  onOpenTicket,
}: {
  prefill: IntakePrefill;
  onClose: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const client = useQueryClient();
  const teams = useTeams().data ?? [];

  const [query, setQuery] = useState(prefill.phone ?? '');
  const [active, setActive] = useState(0);
  const [resident, setResident] = useState<Resident | null>(null);
  const [unitId, setUnitId] = useState<string | null>(null);
  const [category, setCategory] = useState<Category | null>(null);
  const [overrides, setOverrides] = useState<Overrides>({});
  const [channel, setChannel] = useState<Channel>('phone');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** After a category pick: focus "Link" if a duplicate turns up, else the title. */
  const [advancePending, setAdvancePending] = useState(false);

  const lookupRef = useRef<HTMLInputElement>(null);
  const unitRef = useRef<HTMLSelectElement>(null);
  const categoryRef = useRef<HTMLInputElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);
  const linkRef = useRef<HTMLButtonElement>(null);

  const lookup = useResidentLookup(resident ? '' : query);
  const matches = lookup.q === '' ? [] : (lookup.data?.items ?? []);
  const duplicates = useDuplicates(unitId, category);
  const duplicate = duplicates.data?.[0] ?? null;

  const suggestion = category ? suggestIntake(category, `${title} ${description}`) : null;
  const type = overrides.type ?? suggestion?.type ?? 'repair';
  const priority = overrides.priority ?? suggestion?.priority ?? 3;
  const teamId = overrides.teamId ?? suggestion?.teamId ?? '';
  const unit = resident?.units.find((u) => u.id === unitId) ?? null;
  const relationLabel = (relation: string) =>
    RELATIONS.includes(relation as Relation) ? t(`intake.relation.${relation as Relation}`) : relation;

  useEffect(() => lookupRef.current?.focus(), []);
  // From a call whose caller the pop knows: choose that resident (and unit) as soon as the lookup shows them.
  const [prefillResident, setPrefillResident] = useState(prefill.residentId ?? null);
  useEffect(() => {
    if (!prefillResident || resident || !lookup.settled) return;
    const match = matches.find((m) => m.resident.id === prefillResident);
    setPrefillResident(null); // once: after this the agent decides
    if (match) choose(match, prefill.unitId);
  });
  useEffect(() => {
    if (!advancePending || duplicates.isFetching) return;
    setAdvancePending(false);
    if (duplicate) linkRef.current?.focus();
    else titleRef.current?.focus();
  }, [advancePending, duplicates.isFetching, duplicate]);

  const dirty =
    (query.trim() !== '' && query !== (prefill.phone ?? '')) ||
    resident !== null ||
    category !== null ||
    title.trim() !== '' ||
    description.trim() !== '';
  // Esc or Cancel asks before throwing typed text away (not while the ticket is being sent).
  const guard = useDiscardGuard(dirty && !busy, onClose);

  function choose(match: ResidentMatch | undefined, preferredUnitId?: string) {
    if (!match) return;
    const r = match.resident;
    setResident(r);
    const preferred = r.units.find((u) => u.id === preferredUnitId)?.id;
    setUnitId(preferred ?? match.unitIds[0] ?? r.units[0]?.id ?? null);
    // Next stop: the unit picker when there is a choice, else the category.
    setTimeout(() => (r.units.length > 1 ? unitRef.current : categoryRef.current)?.focus(), 0);
  }

  function clearResident() {
    setResident(null);
    setUnitId(null);
    setTimeout(() => lookupRef.current?.focus(), 0);
  }

  function callerText(): string {
    const phone = prefill.phone ?? resident?.phones[0]?.shown ?? null;
    const parts = [resident?.name, phone && formatPhoneForDisplay(phone)].filter(Boolean);
    return parts.length > 0 ? parts.join(' ') : t('intake.unknownCaller');
  }

  async function submit() {
    if (busy) return;
    if (!category) {
      setError(t('intake.categoryRequired'));
      categoryRef.current?.focus();
      return;
    }
    if (!title.trim()) {
      setError(t('intake.titleRequired'));
      titleRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const ticket = await desk.tickets.create({
        type,
        category,
        channel,
        priority,
        title: title.trim(),
        description,
        unitId: unit?.id ?? null,
        unitCode: unit?.code ?? null,
        residentId: resident?.id ?? null,
        residentName: resident?.name ?? null,
        // Masked: the server records the whole number of the call, else of the resident's phone (issue 11 §4).
        phone: prefill.phone ?? resident?.phones[0]?.shown ?? null,
        teamId: teamId || null,
        ...(prefill.callId && { callId: prefill.callId }),
      });
      done(ticket.id);
    } catch (err) {
      setError(t('intake.failed', { message: deskErrorMessage(err) }));
      setBusy(false);
    }
  }

  async function link(ticket: Ticket) {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await desk.tickets.comment({
        id: ticket.id,
        body: t('intake.linkNote', { channel: labels.channel(channel), caller: callerText() }),
      });
      done(ticket.id);
    } catch (err) {
      setError(t('intake.failed', { message: deskErrorMessage(err) }));
      setBusy(false);
    }
  }

  function done(ticketId: string) {
    // The call this ticket came from is linked to it (the desk adds the work-log entry); the ticket stands anyway.
    if (prefill.callId) {
      desk.calls
        .link({ id: prefill.callId, ticketId })
        .catch((err: unknown) =>
          announce(t('phone.notice.failed', { action: t('phone.action.link'), reason: deskErrorMessage(err) }), true),
        );
    }
    void client.invalidateQueries({ queryKey: ['tickets'] });
    void client.invalidateQueries({ queryKey: ['intake', 'duplicates'] });
    onClose();
    onOpenTicket(ticketId);
  }

  function onDialogKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation();
      void submit();
    }
  }

  function onLookupKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (matches.length === 0 ? 0 : (i + step + matches.length) % matches.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(matches[Math.min(active, matches.length - 1)]);
    }
  }

  const activeId = matches.length > 0 ? `intake-match-${Math.min(active, matches.length - 1)}` : undefined;

  return (
    <ModalDialog title={t('intake.title')} className="intake" onClose={onClose} guard={guard}>
      <div className="intake-body" onKeyDown={onDialogKeyDown}>
        {prefill.phone && (
          <p className="intake-prefill">{t('intake.prefill', { phone: formatPhoneForDisplay(prefill.phone) })}</p>
        )}

        <section className="intake-resident" aria-label={t('intake.resident')}>
          {resident ? (
            <div className="intake-chosen">
              <span className="intake-chosen-name">{resident.name}</span>
              <span className="intake-muted intake-phones">
                {resident.phones.map((p) => (
                  <MaskedPhoneNumber
                    key={p.shown}
                    target={{ subject: 'resident', id: resident.id, shown: p.shown }}
                    shown={p.shown}
                  />
                ))}
              </span>
              <button type="button" onClick={clearResident}>
                {t('intake.changeResident')}
              </button>
            </div>
          ) : (
            <>
              <label className="intake-field">
                <span>{t('intake.lookup')}</span>
                <input
                  ref={lookupRef}
                  role="combobox"
                  aria-expanded={matches.length > 0}
                  aria-controls="intake-matches"
                  aria-activedescendant={activeId}
                  aria-autocomplete="list"
                  placeholder={t('intake.lookupHint')}
                  value={query}
                  onChange={(e) => {
                    setQuery(e.target.value);
                    setActive(0);
                  }}
                  onKeyDown={onLookupKeyDown}
                />
              </label>
              {/* A fixed-height box: the dialog keeps its size while results load and appear. */}
              <div className="intake-results">
                <LookupStatus lookup={lookup} count={matches.length} />
                {matches.length > 0 && (
                  <ul id="intake-matches" role="listbox" className="intake-matches" aria-label={t('intake.matches')}>
                    {matches.map((m, i) => (
                      <li
                        key={m.resident.id}
                        id={`intake-match-${i}`}
                        role="option"
                        aria-selected={i === Math.min(active, matches.length - 1)}
                        onMouseDown={(e) => {
                          e.preventDefault();
                          choose(m);
                        }}
                      >
                        <span className="intake-match-name">{m.resident.name}</span>
                        <span className="intake-muted">{m.resident.phones.map((p) => p.shown).join(' · ')}</span>
                        <span className="intake-match-units">
                          {m.resident.units.map((u) => `${u.projectName} ${u.code}`).join('，')}
                        </span>
                        {m.resident.tags.length > 0 && (
                          <span className="intake-tags">{m.resident.tags.map(labels.tag).join(' ')}</span>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </>
          )}
        </section>

        {resident && resident.units.length > 1 && (
          <label className="intake-field">
            <span>{t('intake.unit')}</span>
            <select ref={unitRef} value={unitId ?? ''} onChange={(e) => setUnitId(e.target.value)}>
              {resident.units.map((u) => (
                <option key={u.id} value={u.id}>
                  {`${u.projectName} ${u.code}（${relationLabel(u.relation)}）`}
                </option>
              ))}
            </select>
          </label>
        )}
        {unit && resident && resident.units.length === 1 && (
          <p className="intake-unit">
            {t('intake.unit')}：{unit.projectName} {unit.code}
          </p>
        )}

        <div className="intake-field">
          <span>{t('intake.category')}</span>
          <CategoryCombobox
            ref={categoryRef}
            value={category}
            onChange={setCategory}
            onPicked={() => setAdvancePending(true)}
          />
        </div>

        {duplicate && unit && category && (
          <div className="intake-duplicate" role="alert">
            <p>
              {t('intake.duplicate', {
                code: duplicate.code ?? t('intake.unsynced'),
                unit: unit.code,
                category: labels.category(category),
                ago: t(`intake.ago.${agoParts(duplicate.createdAt).unit}`, {
                  count: agoParts(duplicate.createdAt).count,
                }),
              })}
            </p>
            <p className="intake-muted">{duplicate.title}</p>
            <button ref={linkRef} type="button" disabled={busy} onClick={() => void link(duplicate)}>
              {t('intake.link')}
            </button>
            <button type="button" disabled={busy} onClick={() => void submit()}>
              {t('intake.createAnyway')}
            </button>
          </div>
        )}

        <div className="intake-row">
          <label className="intake-field">
            <span>{t('intake.type')}</span>
            <select value={type} onChange={(e) => setOverrides((o) => ({ ...o, type: e.target.value as TicketType }))}>
              {TICKET_TYPES.map((v) => (
                <option key={v} value={v}>
                  {labels.type(v)}
                </option>
              ))}
            </select>
          </label>
          <label className="intake-field">
            <span>{t('intake.priority')}</span>
            <select
              value={priority}
              onChange={(e) => setOverrides((o) => ({ ...o, priority: Number(e.target.value) }))}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {labels.priority(p)}
                </option>
              ))}
            </select>
          </label>
          <label className="intake-field">
            <span>{t('intake.team')}</span>
            <select value={teamId} onChange={(e) => setOverrides((o) => ({ ...o, teamId: e.target.value }))}>
              <option value="">{t('intake.noTeam')}</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {labels.team(team)}
                </option>
              ))}
            </select>
          </label>
          <label className="intake-field">
            <span>{t('intake.channel')}</span>
            <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {labels.channel(c)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {suggestion?.keyword && overrides.priority === undefined && (
          <p className="intake-muted">{t('intake.raisedBy', { keyword: suggestion.keyword })}</p>
        )}

        <label className="intake-field">
          <span>{t('intake.ticketTitle')}</span>
          <input ref={titleRef} value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label className="intake-field">
          <span>{t('intake.description')}</span>
          <textarea rows={3} value={description} maxLength={5000} onChange={(e) => setDescription(e.target.value)} />
        </label>

        {error && (
          <p className="intake-error" role="alert">
            {error}
          </p>
        )}

        <div className="intake-actions">
          <button type="button" className="intake-submit" disabled={busy} onClick={() => void submit()}>
            {t('intake.submit')}
          </button>
          <button type="button" onClick={guard.requestClose}>
            {t('intake.cancel')}
          </button>
        </div>
      </div>
    </ModalDialog>
  );
}

function LookupStatus({ lookup, count }: { lookup: ReturnType<typeof useResidentLookup>; count: number }) {
  const { t } = useTranslation();
  if (lookup.q === '' || !lookup.settled) return null;
  if (lookup.error)
    return <p className="intake-error">{t('intake.failed', { message: deskErrorMessage(lookup.error) })}</p>;
  if (count > 0) return null;
  return (
    <p className="intake-muted" role="status">
      {lookup.data?.directoryEmpty ? t('intake.directoryEmpty') : t('intake.noMatches')}
    </p>
  );
}
