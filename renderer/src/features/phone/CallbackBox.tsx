/**
 * A missed call's callback: its state ("待回拨", "李四 回拨中", "已回拨：已联系上"), and for the agent who claimed
 * it, the number to call back (click-to-dial) and the result to record.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CALLBACK_RESULTS, type Call } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { useSession } from '../../api/queries';
import { useDirectory } from '../console/useDirectory';
import { usePhoneFormat } from '../console/phoneDisplay';
import { DialButton } from './DialButton';
import { announce } from './notify';

type Result = (typeof CALLBACK_RESULTS)[number];

export function CallbackState({ call }: { call: Call }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const { state, claimedBy, result } = call.callback;
  if (state === 'none') return null;
  const name = directory.user(claimedBy)?.name ?? claimedBy ?? '?';
  const text =
    state === 'claimed'
      ? t('phone.callback.state.claimed', { name })
      : state === 'done'
        ? t('phone.callback.state.done', { result: result ? t(`phone.callback.result.${result}`) : '—' })
        : t('phone.callback.state.open');
  return <span className={`callback-chip callback-${state}`}>{text}</span>;
}

/** Shown to the agent holding the claim: dial back, then record how it went. */
export function CallbackWork({ call, focus, onFocused }: { call: Call; focus: boolean; onFocused: () => void }) {
  const { t } = useTranslation();
  const session = useSession().data;
  const phone = usePhoneFormat();
  const [result, setResult] = useState<Result>('reached');
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const groupId = useId();
  const firstRef = useRef<HTMLInputElement>(null);
  const raw = call.direction === 'inbound' ? call.from : call.to;

  const mine = call.callback.state === 'claimed' && call.callback.claimedBy === session?.user?.id;
  // Asked for before the claim showed up here: the focus comes once the form does.
  useEffect(() => {
    if (!focus || !mine) return;
    firstRef.current?.focus();
    onFocused();
  }, [focus, mine, onFocused]);

  if (!mine) return null;

  async function save() {
    setSaving(true);
    setError(null);
    try {
      await desk.calls.callbackResult({ id: call.id, result, note });
      announce(t('phone.notice.resultSaved', { result: t(`phone.callback.result.${result}`) }));
      setNote('');
    } catch (err) {
      setError(deskErrorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      className="callback-work"
      // The radios' arrow keys and Enter are the form's own: the list behind must not move or open as well.
      onKeyDown={(event) => {
        if (['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Enter'].includes(event.key)) event.stopPropagation();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <p className="callback-mine">{t('phone.callback.mine')}</p>
      {raw && (
        <DialButton
          target={{ subject: 'call', id: call.id }}
          shown={raw}
          label={t('phone.callback.dial', { number: phone(raw) })}
        />
      )}
      <fieldset className="callback-results">
        <legend id={groupId}>{t('phone.callback.resultLabel')}</legend>
        {CALLBACK_RESULTS.map((value, index) => (
          <label key={value}>
            <input
              ref={index === 0 ? firstRef : undefined}
              type="radio"
              name={`${groupId}-result`}
              value={value}
              checked={result === value}
              onChange={() => setResult(value)}
            />
            {t(`phone.callback.result.${value}`)}
          </label>
        ))}
      </fieldset>
      <label className="wrap-up-field">
        <span>{t('phone.callback.note')}</span>
        <textarea rows={2} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      {error && (
        <p className="inline-error" role="alert">
          {t('phone.notice.failed', { action: t('phone.action.result'), reason: error })}
        </p>
      )}
      <button type="submit" className="primary" disabled={saving}>
        {t('phone.callback.save')}
      </button>
    </form>
  );
}
