/**
 * The inputs for the outputs one transition requires — and only those. Controlled by the step draft, so the
 * SOP card ticks items as they are filled in.
 */
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../../../../../common/domain';
import {
  FEE_CONTACT_METHODS,
  FEE_ESCALATION_TARGETS,
  LEGAL_ESCALATION_ROLES,
  type OutputKey,
} from '../../../../../common/workflows';
import { photoLines, type FieldProblem, type StepDraft } from './stepDraft';

interface Props {
  requires: readonly OutputKey[];
  draft: StepDraft;
  problems: Partial<Record<OutputKey, FieldProblem>>;
  user: User;
  onChange: (draft: StepDraft) => void;
  /** Shown beside the follow-up when its score will reopen the ticket. */
  reopenNotice: string | null;
}

const TEXT_FIELDS = ['materials', 'workNotes', 'reply', 'reason'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const isTextField = (key: OutputKey): key is TextField => (TEXT_FIELDS as readonly string[]).includes(key);

export function OutputFields({ requires, draft, problems, user, onChange, reopenNotice }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const set = (patch: Partial<StepDraft>) => onChange({ ...draft, ...patch });

  const problemText = (key: OutputKey): string | null => {
    const problem = problems[key];
    if (!problem) return null;
    if (problem === 'invalid') return t('stepForm.invalid');
    if (key === 'followUp')
      return draft.followUpReached ? t('stepForm.followUp.needScore') : t('stepForm.followUp.needAttempt');
    return t('stepForm.required');
  };
  const errorOf = (key: OutputKey) => {
    const text = problemText(key);
    return text ? (
      <span id={`${id}-${key}-error`} className="step-field-error">
        {text}
      </span>
    ) : null;
  };
  const a11y = (key: OutputKey) => ({
    'aria-invalid': problems[key] ? true : undefined,
    'aria-describedby': problems[key] ? `${id}-${key}-error` : undefined,
  });

  return (
    <>
      {requires.map((key, index) => {
        const autoFocus = index === 0;
        if (isTextField(key)) {
          return (
            <Field key={key} label={t(`sop.output.${key}`)} error={errorOf(key)}>
              <textarea
                rows={key === 'reply' || key === 'workNotes' ? 4 : 2}
                value={draft[key]}
                maxLength={key === 'materials' || key === 'reason' ? 2000 : 5000}
                autoFocus={autoFocus}
                placeholder={
                  key === 'materials'
                    ? t('stepForm.materialsPlaceholder')
                    : key === 'reason'
                      ? t('stepForm.reasonPlaceholder')
                      : undefined
                }
                onChange={(e) => set({ [key]: e.target.value })}
                {...a11y(key)}
              />
            </Field>
          );
        }
        switch (key) {
          case 'photos':
            return (
              <Field
                key={key}
                label={t('stepForm.photos')}
                error={errorOf(key)}
                hint={t('stepForm.photosHint')}
                extra={
                  <label className="step-file-pick">
                    {t('stepForm.addFiles')}
                    <input
                      type="file"
                      multiple
                      accept="image/*"
                      onChange={(e) => {
                        const names = [...(e.target.files ?? [])].map((file) => file.name);
                        set({ photos: [...photoLines(draft.photos), ...names].join('\n') });
                        e.target.value = '';
                      }}
                    />
                  </label>
                }
              >
                <textarea
                  rows={3}
                  value={draft.photos}
                  autoFocus={autoFocus}
                  onChange={(e) => set({ photos: e.target.value })}
                  {...a11y(key)}
                />
              </Field>
            );
          case 'promiseDate':
            return (
              <Field key={key} label={t('sop.output.promiseDate')} error={errorOf(key)}>
                <input
                  type="date"
                  value={draft.promiseDate}
                  autoFocus={autoFocus}
                  onChange={(e) => set({ promiseDate: e.target.value })}
                  {...a11y(key)}
                />
              </Field>
            );
          case 'contact':
            return (
              <fieldset key={key} className="step-choice" {...a11y(key)}>
                <legend>{t('sop.output.contact')}</legend>
                {FEE_CONTACT_METHODS.map((method, i) => (
                  <label key={method}>
                    <input
                      type="radio"
                      name={`${id}-contact`}
                      value={method}
                      checked={draft.contact === method}
                      autoFocus={autoFocus && i === 0}
                      onChange={() => set({ contact: method })}
                    />
                    {t(`feeReminder.methods.${method}`)}
                  </label>
                ))}
                {errorOf(key)}
              </fieldset>
            );
          case 'escalateTo': {
            const mayLegal = LEGAL_ESCALATION_ROLES.includes(user.role);
            return (
              <fieldset key={key} className="step-choice" {...a11y(key)}>
                <legend>{t('stepForm.escalateTo')}</legend>
                {FEE_ESCALATION_TARGETS.map((target, i) => (
                  <label key={target}>
                    <input
                      type="radio"
                      name={`${id}-escalate`}
                      value={target}
                      checked={draft.escalateTo === target}
                      disabled={target === 'legal' && !mayLegal}
                      autoFocus={autoFocus && i === 0}
                      onChange={() => set({ escalateTo: target })}
                    />
                    {t(`feeReminder.targets.${target}`)}
                  </label>
                ))}
                {!mayLegal && <span className="step-field-hint">{t('stepForm.legalLeadOnly')}</span>}
                {errorOf(key)}
              </fieldset>
            );
          }
          case 'followUp':
            return (
              <fieldset key={key} className="step-follow-up">
                <legend>{t('sop.output.followUp')}</legend>
                <label className="step-check">
                  <input
                    type="checkbox"
                    checked={draft.followUpReached}
                    autoFocus={autoFocus}
                    onChange={(e) => set({ followUpReached: e.target.checked })}
                  />
                  {t('stepForm.followUp.reached')}
                </label>
                <div
                  role="radiogroup"
                  aria-label={t('stepForm.followUp.satisfaction')}
                  className="step-score"
                  {...a11y(key)}
                >
                  <span aria-hidden="true">{t('stepForm.followUp.satisfaction')}</span>
                  {[1, 2, 3, 4, 5].map((score) => (
                    <label key={score} className={draft.satisfaction === score ? 'chosen' : undefined}>
                      <input
                        type="radio"
                        name={`${id}-score`}
                        value={score}
                        disabled={!draft.followUpReached}
                        checked={draft.followUpReached && draft.satisfaction === score}
                        onChange={() => set({ satisfaction: score })}
                      />
                      {t('stepForm.followUp.score', { score })}
                    </label>
                  ))}
                </div>
                <Field
                  label={
                    draft.followUpReached ? t('stepForm.followUp.comment') : t('stepForm.followUp.commentNotReached')
                  }
                >
                  <textarea
                    rows={3}
                    maxLength={2000}
                    value={draft.followUpComment}
                    onChange={(e) => set({ followUpComment: e.target.value })}
                  />
                </Field>
                {errorOf(key)}
                <p className="step-reopen" role="status">
                  {reopenNotice}
                </p>
              </fieldset>
            );
          default:
            return null;
        }
      })}
    </>
  );
}

/** A labelled control; `extra` sits outside the label (e.g. a second control of its own). */
function Field({
  label,
  error,
  hint,
  extra,
  children,
}: {
  label: string;
  error?: ReactNode;
  hint?: string;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="step-field">
      <label>
        <span>{label}</span>
        {children}
      </label>
      {extra}
      {hint && <span className="step-field-hint">{hint}</span>}
      {error}
    </div>
  );
}
