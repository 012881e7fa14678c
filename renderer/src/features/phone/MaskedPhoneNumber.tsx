/**
 * A stored phone number as the console shows it (issue 11 §4): masked ("138 **** 8000"), with a button beside it
 * that asks the server for the whole number — the server checks the agent's role and records the view — and shows
 * it until hidden again or the number on screen changes. Nothing is kept: the next view asks (and is recorded)
 * again. Offline the button says why it cannot. Keyboard: the button is in the tab order, Enter or Space.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PhoneRef } from '../../../../common/api';
import { desk } from '../../api/desk';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { usePhoneFormat } from '../console/phoneDisplay';

interface Revealed {
  /** Which number it is (the target and its masked form): the state belongs to this one only. */
  key: string;
  number: string | null;
  error: string | null;
  busy: boolean;
}

export function MaskedPhoneNumber({
  target,
  shown,
  numberClass,
}: {
  target: PhoneRef;
  /** The masked number, as the cache holds it. */
  shown: string;
  /** The class of the span that shows the number (tests and styles find it by it). */
  numberClass?: string;
}) {
  const { t } = useTranslation();
  const phone = usePhoneFormat();
  const key = `${JSON.stringify(target)}\u0000${shown}`;
  const [state, setState] = useState<Revealed | null>(null);
  const current = state?.key === key ? state : null;
  const revealed = current?.number ?? null;

  async function reveal() {
    setState({ key, number: null, error: null, busy: true });
    try {
      const { number } = await desk.phones.reveal(target);
      setState({ key, number, error: null, busy: false });
    } catch (error) {
      setState({ key, number: null, error: revealError(error), busy: false });
    }
  }

  function revealError(error: unknown): string {
    switch (deskErrorCode(error)) {
      case 'offline':
        return t('phone.reveal.offline');
      case 'forbidden':
        return t('phone.reveal.forbidden');
      case 'not_found':
        return t('phone.reveal.notFound');
      default:
        return t('phone.reveal.failed', { message: deskErrorMessage(error) });
    }
  }

  return (
    <span className="phone-reveal">
      <span className={numberClass} aria-live="polite">
        {revealed ?? phone(shown)}
      </span>{' '}
      <button
        type="button"
        className="reveal-button"
        aria-label={revealed ? t('phone.reveal.hideLabel') : t('phone.reveal.label', { number: phone(shown) })}
        aria-pressed={revealed !== null}
        disabled={current?.busy ?? false}
        onClick={() => (revealed ? setState(null) : void reveal())}
      >
        {current?.busy ? t('phone.reveal.revealing') : revealed ? t('phone.reveal.hide') : t('phone.reveal.show')}
      </button>
      {current?.error && (
        <span role="alert" className="reveal-error">
          {current.error}
        </span>
      )}
    </span>
  );
}
