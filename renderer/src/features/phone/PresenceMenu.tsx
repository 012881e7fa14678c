/**
 * The agent's presence in the header (issue 10 item 7): the current state, a countdown while wrapping up, and a
 * menu to set available / break / offline (on_call and wrap_up follow the calls). Shift+P or a click opens it;
 * ↑/↓ move, Enter or Space choose, Esc closes, and focus goes back to the button.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PresenceState } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { useAction } from '../console/keyboard/registry';
import { useNow } from '../console/sop/useNow';
import { formatSeconds, secondsUntil } from './format';
import { announce } from './notify';
import { phoneKeys, usePresence } from './queries';

/** What the agent may choose; the other states are set by calls. */
export const CHOOSABLE: readonly PresenceState[] = ['available', 'break', 'offline'];

export function PresenceMenu() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const mine = usePresence().data?.mine ?? null;
  const state = mine?.state ?? null;
  const stateText = state ? t(`phone.presence.state.${state}`) : t('phone.presence.unknown');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const menuId = useId();

  function openMenu() {
    setActive(Math.max(0, CHOOSABLE.indexOf(state ?? 'available')));
    setOpen(true);
  }
  useAction('presence.menu', openMenu);
  useEffect(() => {
    if (open) menuRef.current?.focus();
  }, [open]);

  function close() {
    setOpen(false);
    buttonRef.current?.focus();
  }

  async function choose(next: PresenceState) {
    close();
    if (next === state) return;
    try {
      client.setQueryData(phoneKeys.presence, await desk.presence.set({ state: next }));
    } catch (error) {
      announce(t('phone.presence.failed', { message: deskErrorMessage(error) }), true);
    }
  }

  function onMenuKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key === 'Tab') return setOpen(false); // focus moves on as usual
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + CHOOSABLE.length) % CHOOSABLE.length);
    } else if (event.key === 'Enter' || event.key === ' ') {
      void choose(CHOOSABLE[active] ?? 'available');
    } else if (event.key === 'Escape') {
      close();
    } else return;
    // The console's own keys (↓ moves the list, Enter opens a ticket, Esc goes back) must not act as well.
    event.preventDefault();
  }

  return (
    <div className="presence">
      <button
        ref={buttonRef}
        type="button"
        className={`presence-button presence-${state ?? 'unknown'}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title={t('phone.presence.menu')}
        // Named by the state alone: the countdown beside it changes every second and is not worth reading out.
        aria-label={t('phone.presence.current', { state: stateText })}
        onClick={() => (open ? close() : openMenu())}
      >
        <span className="presence-dot" aria-hidden="true" />
        {stateText}
        {state === 'wrap_up' && mine?.wrapUpUntil && <WrapUpCountdown until={mine.wrapUpUntil} />}
      </button>
      {open && (
        <ul
          ref={menuRef}
          id={menuId}
          role="menu"
          tabIndex={-1}
          className="presence-menu"
          aria-label={t('phone.presence.menu')}
          aria-activedescendant={`${menuId}-${active}`}
          onKeyDown={onMenuKeyDown}
          onBlur={(event) => {
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
          }}
        >
          {CHOOSABLE.map((choice, index) => (
            <li
              key={choice}
              id={`${menuId}-${index}`}
              role="menuitemradio"
              aria-checked={choice === state}
              className={index === active ? 'is-active' : undefined}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => void choose(choice)}
            >
              <span className={`presence-dot presence-${choice}`} aria-hidden="true" />
              {t(`phone.presence.state.${choice}`)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** " 0:42" until the desk makes the agent available again. */
function WrapUpCountdown({ until }: { until: string }) {
  const now = useNow(1000).getTime();
  return <span className="presence-countdown"> {formatSeconds(secondsUntil(until, now))}</span>;
}
