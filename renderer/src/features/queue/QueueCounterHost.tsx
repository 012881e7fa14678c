/**
 * The counter's side of the lobby queue (issue 12 §4), from the agent console: `q n` calls the next number to
 * this desk's counter, `q r` calls it again, `q s` skips it (also in the Ctrl+K palette and the `?` overlay). What
 * happened is said in the console's notice line; the lobby display shows the call.
 */
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalledNumber } from '../../../../common/kiosk/api';
import type { User } from '../../../../common/domain';
import { desk } from '../../api/desk';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { kioskText, type Bilingual } from '../../i18n/kiosk';
import { runAction, useAction } from '../console/keyboard/registry';

/** The counter this desk serves: set once per machine (localStorage `desk.counter`), else "1". */
export const COUNTER_STORAGE_KEY = 'desk.counter';

function counterName(): string {
  try {
    return localStorage.getItem(COUNTER_STORAGE_KEY)?.trim() || '1';
  } catch {
    return '1';
  }
}

export function QueueCounterHost({ user }: { user: User }) {
  const { i18n } = useTranslation();
  const last = useRef<CalledNumber | null>(null);
  const say = (text: Bilingual, alert = false) =>
    runAction('notice.show', { text: i18n.language === 'en' ? text.en : text.zh, alert });
  const fail = (error: unknown) =>
    say(
      deskErrorCode(error) === 'queue_empty'
        ? kioskText('queueEmpty')
        : { zh: deskErrorMessage(error), en: deskErrorMessage(error) },
      true,
    );
  const called = (number: CalledNumber) => {
    last.current = number;
    say(kioskText('called', { label: number.label, counter: number.counter }));
  };
  const canCall = user.role !== 'technician';

  useAction('queue.callNext', () => {
    if (canCall) desk.queue.callNext({ counter: counterName() }).then(called, fail);
  });
  useAction('queue.recall', () => {
    if (!last.current) return say(kioskText('queueEmpty'), true);
    desk.queue.recall({ id: last.current.id }).then(called, fail);
  });
  useAction('queue.skip', () => {
    const number = last.current;
    if (!number) return say(kioskText('queueEmpty'), true);
    desk.queue.skip({ id: number.id }).then(() => {
      last.current = null;
      say({ zh: `${number.label}：${kioskText('skip').zh}`, en: `${number.label}: ${kioskText('skip').en}` });
    }, fail);
  });
  return null;
}
