/**
 * SLA controls in the console (issue 4 item 4): the provisional-calendar banner for leads and admins, the lead's
 * weather-alert switch in the header, and the admin's year-schedule dialog. The server enforces the roles; these
 * only avoid offering what would be refused.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../../../common/domain';
import { deskErrorMessage as errorMessage } from '../../../api/errors';
import { useViews } from '../../../api/queries';
import { ModalDialog } from '../keyboard/ModalDialog';
import { useSetWeatherAlert, useSetYearSchedule, useSlaSettings } from './queries';
import './sla.css';

const canToggleWeather = (user: User) => user.role === 'lead' || user.role === 'admin';
const canEditCalendar = (user: User) => user.role === 'admin';

/**
 * Header switch: a pressed/unpressed button, reachable with Tab and Enter/Space like any button. Switching moves
 * the clock of every open ticket (the server recomputes them), so it asks first, saying what will happen; Cancel
 * has the focus, Esc cancels too.
 */
export function WeatherToggle({ user }: { user: User }) {
  const { t } = useTranslation();
  const settings = useSlaSettings();
  const set = useSetWeatherAlert();
  const [asking, setAsking] = useState(false);
  if (!canToggleWeather(user) || !settings.data) return null;
  const on = settings.data.weatherAlert;
  const percent = Math.round((settings.data.settings.weatherStretchFactor - 1) * 100);
  return (
    <>
      <button
        type="button"
        className={on ? 'weather-toggle on' : 'weather-toggle'}
        aria-pressed={on}
        aria-haspopup="dialog"
        title={on ? t('sla.weather.hintOn', { percent }) : t('sla.weather.hintOff', { percent })}
        disabled={set.isPending}
        onClick={() => setAsking(true)}
      >
        {on ? t('sla.weather.on') : t('sla.weather.off')}
      </button>
      {asking && (
        <WeatherConfirm
          turnOn={!on}
          percent={percent}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            set.mutate(!on);
          }}
        />
      )}
      {set.isError && (
        <span className="weather-error" role="alert">
          {t('sla.weather.failed', { message: errorMessage(set.error) })}
        </span>
      )}
    </>
  );
}

/** What switching the weather alert does, before it is done: Cancel first (and focused), then the switch. */
function WeatherConfirm({
  turnOn,
  percent,
  onCancel,
  onConfirm,
}: {
  turnOn: boolean;
  percent: number;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t, i18n } = useTranslation();
  // Open tickets in this desk's cache: the inbox view's count (the server recomputes the same tickets).
  const open = useViews().data?.find((view) => view.id === 'inbox')?.count;
  const count = open === undefined ? '…' : new Intl.NumberFormat(i18n.language).format(open);
  return (
    <ModalDialog
      title={turnOn ? t('sla.weather.confirmOnTitle') : t('sla.weather.confirmOffTitle')}
      className="weather-confirm"
      onClose={onCancel}
    >
      <p className="weather-confirm-what">
        {turnOn ? t('sla.weather.confirmOn', { percent, count }) : t('sla.weather.confirmOff', { percent, count })}
      </p>
      <p className="sla-hint">{t('sla.weather.confirmPaused')}</p>
      <div className="kb-dialog-footer">
        <button type="button" onClick={onCancel}>
          {t('sla.weather.cancel')}
        </button>
        <button type="button" className="primary" onClick={onConfirm}>
          {turnOn ? t('sla.weather.confirmOnButton') : t('sla.weather.confirmOffButton')}
        </button>
      </div>
    </ModalDialog>
  );
}

/** Admin header button that opens the year-schedule dialog. */
export function CalendarButton({ user }: { user: User }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!canEditCalendar(user)) return null;
  return (
    <>
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        {t('sla.calendar.open')}
      </button>
      {open && <YearScheduleDialog initialYear={new Date().getFullYear() + 1} onClose={() => setOpen(false)} />}
    </>
  );
}

/** Leads and admins: which coming year has no official schedule, and that an admin should enter it. */
export function ProvisionalBanner({ user }: { user: User }) {
  const { t } = useTranslation();
  const settings = useSlaSettings();
  const [editing, setEditing] = useState<number | null>(null);
  if (!canToggleWeather(user)) return null;
  const warnings = settings.data?.warnings ?? [];
  if (warnings.length === 0 && editing === null) return null;
  return (
    <div className="sla-banner" role="status">
      {warnings.map(({ year }) => (
        <p key={year}>
          {t('sla.provisional.banner', { year })}
          {canEditCalendar(user) && (
            <button type="button" className="link-button" onClick={() => setEditing(year)}>
              {t('sla.provisional.enter', { year })}
            </button>
          )}
        </p>
      ))}
      {editing !== null && <YearScheduleDialog initialYear={editing} onClose={() => setEditing(null)} />}
    </div>
  );
}

const dates = (text: string) =>
  text
    .split(/[\s,，、]+/)
    .map((d) => d.trim())
    .filter(Boolean);

/** Simple modal form: a year and two date lists; the server validates and its reasons are shown as they come. */
export function YearScheduleDialog({ initialYear, onClose }: { initialYear: number; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const save = useSetYearSchedule();
  const settings = useSlaSettings();
  const existing = settings.data?.settings.calendar?.yearSchedules ?? [];
  const [year, setYear] = useState(String(initialYear));
  const known = existing.find((y) => String(y.year) === year);
  const [holidays, setHolidays] = useState(known?.holidays.join('\n') ?? '');
  const [workdays, setWorkdays] = useState(known?.workdays.join('\n') ?? '');
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      { year: Number(year), holidays: dates(holidays), workdays: dates(workdays) },
      { onSuccess: () => onClose() },
    );
  }

  return (
    <div className="sla-modal-backdrop">
      <form
        className="sla-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onSubmit={submit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id={`${id}-title`}>{t('sla.calendar.title')}</h2>
        <p className="sla-hint">{t('sla.calendar.hint')}</p>
        <label htmlFor={`${id}-year`}>{t('sla.calendar.year')}</label>
        <input
          id={`${id}-year`}
          ref={first}
          inputMode="numeric"
          value={year}
          onChange={(e) => setYear(e.target.value.trim())}
        />
        <label htmlFor={`${id}-holidays`}>{t('sla.calendar.holidays')}</label>
        <textarea id={`${id}-holidays`} rows={6} value={holidays} onChange={(e) => setHolidays(e.target.value)} />
        <label htmlFor={`${id}-workdays`}>{t('sla.calendar.workdays')}</label>
        <textarea id={`${id}-workdays`} rows={3} value={workdays} onChange={(e) => setWorkdays(e.target.value)} />
        {save.isError && (
          <p className="sla-error" role="alert">
            {t('sla.calendar.failed', { message: errorMessage(save.error) })}
          </p>
        )}
        <div className="sla-modal-actions">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? t('sla.calendar.saving') : t('sla.calendar.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('sla.calendar.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
