/** Building blocks every kiosk screen shares: its frame with a way home, big bilingual buttons, messages. */
import type { ReactNode } from 'react';
import { kioskText, type Bilingual } from '../../i18n/kiosk';
import { Bi, both } from './Bi';
import { kioskErrorText } from './kioskErrors';

export function KioskScreen({
  title,
  onHome,
  children,
}: {
  title: Bilingual;
  onHome?: () => void;
  children: ReactNode;
}) {
  return (
    <section className="kiosk-screen" aria-labelledby="kiosk-screen-title">
      <div className="kiosk-screen-bar">
        <h1 id="kiosk-screen-title" className="kiosk-screen-title">
          <Bi text={title} />
        </h1>
        {onHome && (
          <button type="button" className="kiosk-button kiosk-home" onClick={onHome}>
            <Bi text={kioskText('home')} />
          </button>
        )}
      </div>
      {children}
    </section>
  );
}

export function BigButton({
  text,
  onClick,
  icon,
  className = '',
  disabled,
  type = 'button',
}: {
  text: Bilingual;
  onClick?: () => void;
  icon?: ReactNode;
  className?: string;
  disabled?: boolean;
  type?: 'button' | 'submit';
}) {
  return (
    <button type={type} className={`kiosk-button ${className}`} onClick={onClick} disabled={disabled}>
      {icon && <span className="kiosk-icon">{icon}</span>}
      <Bi text={text} />
    </button>
  );
}

/** A refusal, announced at once (role=alert). */
export function KioskError({ error }: { error: unknown }) {
  return (
    <p role="alert" className="kiosk-error">
      <Bi text={kioskErrorText(error)} />
    </p>
  );
}

/** A labelled text field big enough to touch; `digits` brings up a number pad on touch screens. */
export function KioskField({
  id,
  label,
  value,
  onChange,
  digits,
  maxLength,
  autoFocus,
  multiline,
}: {
  id: string;
  label: Bilingual;
  value: string;
  onChange: (value: string) => void;
  digits?: boolean;
  maxLength?: number;
  autoFocus?: boolean;
  multiline?: boolean;
}) {
  const common = {
    id,
    value,
    maxLength,
    autoFocus,
    autoComplete: 'off',
    spellCheck: false,
    className: 'kiosk-input',
    'aria-label': both(label),
  };
  return (
    <div className="kiosk-field">
      <label htmlFor={id} aria-hidden="true">
        <Bi text={label} />
      </label>
      {multiline ? (
        <textarea {...common} rows={3} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          inputMode={digits ? 'numeric' : 'text'}
          pattern={digits ? '[0-9]*' : undefined}
          onChange={(e) => onChange(digits ? e.target.value.replace(/\D/g, '') : e.target.value)}
        />
      )}
    </div>
  );
}
