/**
 * One queue's rule: mode, skills filter, escalation minutes and the lead's pick. Saved with one button (or Enter);
 * a value the server would refuse is caught here first and said next to its field.
 */
import { useState, type FormEvent } from 'react';
import {
  ASSIGNMENT_MODES,
  ESCALATE_AFTER_MAX,
  ESCALATE_AFTER_MIN,
  type AssignmentMode,
  type QueueSettings,
} from '../../../../../common/assignment';
import { useUsers } from '../../../api/queries';
import { assignErrorText } from './errors';
import { useSetQueue } from './queries';
import { useAssignText } from './useAssignText';

/** Who may be the lead's pick (the server checks again). */
const PICKABLE_ROLES = ['agent', 'lead', 'admin'];

function parseMinutes(text: string): number | null | 'bad' {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= ESCALATE_AFTER_MIN && n <= ESCALATE_AFTER_MAX ? n : 'bad';
}

export function QueueSettingsForm({ settings }: { settings: QueueSettings }) {
  const t = useAssignText();
  const users = (useUsers().data ?? []).filter((u) => PICKABLE_ROLES.includes(u.role));
  const save = useSetQueue();
  const [mode, setMode] = useState<AssignmentMode>(settings.mode);
  const [skillsFilter, setSkillsFilter] = useState(settings.skillsFilter);
  const [minutes, setMinutes] = useState(settings.escalateAfterMinutes?.toString() ?? '');
  const [pick, setPick] = useState(settings.escalateToId ?? '');
  const parsedMinutes = parseMinutes(minutes);
  const id = `queue-${settings.teamId}`;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (parsedMinutes === 'bad') return;
    save.mutate({
      teamId: settings.teamId,
      mode,
      skillsFilter,
      escalateAfterMinutes: parsedMinutes,
      escalateToId: pick || null,
    });
  };

  return (
    <form className="assign-settings" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('settings')}</h3>
      <fieldset>
        <legend>{t('mode')}</legend>
        {ASSIGNMENT_MODES.map((m) => (
          <label key={m}>
            <input type="radio" name={`${id}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t(`mode.${m}`)}
          </label>
        ))}
        <p className="assign-hint">{t('mode.hint')}</p>
      </fieldset>
      <label>
        <input type="checkbox" checked={skillsFilter} onChange={(e) => setSkillsFilter(e.target.checked)} />
        {t('skillsFilter')}
      </label>
      <label>
        <span>{t('escalateAfter')}</span>
        <input
          type="number"
          inputMode="numeric"
          min={ESCALATE_AFTER_MIN}
          max={ESCALATE_AFTER_MAX}
          value={minutes}
          placeholder={t('escalateAfterHint')}
          aria-invalid={parsedMinutes === 'bad'}
          aria-describedby={parsedMinutes === 'bad' ? `${id}-minutes-error` : undefined}
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      {parsedMinutes === 'bad' && (
        <p id={`${id}-minutes-error`} className="inline-error" role="alert">
          {t('badMinutes')}
        </p>
      )}
      <label>
        <span>{t('escalateTo')}</span>
        <select value={pick} onChange={(e) => setPick(e.target.value)}>
          <option value="">{t('notifyOnly')}</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name} ({u.username})
            </option>
          ))}
        </select>
      </label>
      <div className="assign-actions">
        <button type="submit" disabled={save.isPending || parsedMinutes === 'bad'}>
          {t('save')}
        </button>
        <span role="status" aria-live="polite">
          {save.isSuccess ? t('saved') : ''}
        </span>
      </div>
      {save.isError && (
        <p className="inline-error" role="alert">
          {assignErrorText(save.error, t)}
        </p>
      )}
    </form>
  );
}
