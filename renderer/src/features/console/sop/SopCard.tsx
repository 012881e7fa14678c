/**
 * The SOP card of the open ticket (DESIGN.md §4): the current step, its standard, who owns it, the time left,
 * and what each allowed next step still needs recorded — ticked from the agent's draft in the step form.
 * Each next step has a button that opens the step form (the same form the `s` step menu opens).
 */
import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../../../common/domain';
import { findStep } from '../../../../../common/workflows';
import { useLabels } from '../../../i18n/labels';
import { formatFullTime, useTimeFormat } from '../formatTime';
import type { Directory } from '../useDirectory';
import { nextStepChecklist } from './checklist';
import { openStepForm, useStepDraft } from './stepFormStore';
import { formatDuration, timeLeft, type MaybeSlaFields } from './timeLeft';
import { useNow } from './useNow';
import './sop.css';

export function SopCard({ ticket, directory }: { ticket: Ticket & MaybeSlaFields; directory: Directory }) {
  const { t, i18n } = useTranslation();
  const labels = useLabels();
  const language = i18n.language === 'en' ? 'en' : 'zh';
  const draft = useStepDraft(ticket.id);
  const step = findStep(ticket.type, ticket.status);
  if (!step) return null;
  const checklist = nextStepChecklist(ticket, draft);

  const team = directory.team(ticket.teamId);
  const owner = ticket.assigneeId
    ? (directory.user(ticket.assigneeId)?.name ?? t('detail.unknownUser'))
    : team
      ? labels.team(team)
      : t('sop.unassigned');

  return (
    <section className="sop-card" aria-labelledby="sop-card-title">
      <h3 id="sop-card-title" className="sop-title">
        <span className="sop-kicker">{t('sop.label')}</span>
        {/* The state's one name (labels.status reads the workflow step's label): the same as the status chip's. */}
        {t('sop.title', { step: labels.status(ticket.type, ticket.status) })}
      </h3>
      <p className="sop-standard">{step.standard[language]}</p>
      <dl className="sop-facts">
        <div>
          <dt>{t('sop.responsible')}</dt>
          <dd>
            {step.responsible
              ? t('sop.owner', { role: t(`sop.role.${step.responsible}`), owner })
              : t('sop.noResponsible')}
          </dd>
        </div>
        <div>
          <dt>{t('sop.timeLimit')}</dt>
          <dd>
            <TimeLeftText ticket={ticket} />
          </dd>
        </div>
      </dl>
      <h4 className="sop-subheading">{t('sop.needed')}</h4>
      {checklist.length === 0 ? (
        <p className="sop-muted">{t('sop.noNext')}</p>
      ) : (
        <ul className="sop-next">
          {checklist.map((next) => {
            const status = labels.status(ticket.type, next.to);
            return (
              <li key={next.to} className={next.ready ? 'sop-next-step ready' : 'sop-next-step'}>
                <div className="sop-next-head">
                  <span className={`status-chip status-${next.to}`}>{status}</span>
                  <button type="button" className="sop-advance" onClick={() => openStepForm(ticket.id, next.to)}>
                    {next.requires.length > 0 ? t('sop.record', { status }) : t('sop.advance', { status })}
                  </button>
                </div>
                {next.requires.length === 0 ? (
                  <span className="sop-muted">{t('sop.nothingNeeded')}</span>
                ) : (
                  <ul className="sop-needs">
                    {next.requires.map((item) => (
                      <li key={item.key} className={item.done ? 'done' : 'missing'}>
                        <span aria-hidden="true">{item.done ? '✓' : '○'}</span> {t(`sop.output.${item.key}`)}
                        <span className="sop-sr-only">{item.done ? t('sop.present') : t('sop.absent')}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function TimeLeftText({ ticket }: { ticket: Ticket & MaybeSlaFields }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh';
  const timeFormat = useTimeFormat();
  const now = useNow();
  const left = timeLeft(ticket, now);
  const time = (iso: string) => formatFullTime(iso, timeFormat);
  switch (left.kind) {
    case 'paused':
      return left.remainingMinutes === null ? (
        <span className="sop-time paused">{t('sop.time.paused', { time: time(left.since) })}</span>
      ) : (
        <span className="sop-time paused">
          {t('sop.time.pausedLeft', {
            time: time(left.since),
            duration: formatDuration(left.remainingMinutes * 60_000, language),
          })}
        </span>
      );
    case 'due': {
      const values = { duration: formatDuration(left.msLeft, language), time: time(left.dueAt) };
      const key = left.state === 'breached' ? 'breached' : left.state === 'at_risk' ? 'atRisk' : 'left';
      return <span className={`sop-time ${left.state}`}>{t(`sop.time.${key}`, values)}</span>;
    }
    case 'limit':
      return (
        <span className="sop-time">
          {t('sop.time.limit', {
            milestone: t(`sop.milestone.${left.milestone}`),
            duration: formatDuration(left.minutes * 60_000, language),
            from: t(`sop.from.${left.from}`),
          })}
        </span>
      );
    case 'none':
      return <span className="sop-time">{t('sop.time.none')}</span>;
  }
}
