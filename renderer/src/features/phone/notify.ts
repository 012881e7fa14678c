/** The phone's messages go to the console's one notice area (the keyboard layer's `notice.show`). */
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { runAction } from '../console/keyboard/registry';

export function announce(text: string, alert = false): void {
  runAction('notice.show', { text, alert });
}

type Translate = (key: 'phone.notice.noSoftphone' | 'phone.notice.offline') => string;

/** The host's reason, in the agent's language where the desk has a word for it. */
export function phoneErrorReason(error: unknown, t: Translate): string {
  switch (deskErrorCode(error)) {
    case 'no_softphone':
      return t('phone.notice.noSoftphone');
    case 'offline':
      return t('phone.notice.offline');
    default:
      return deskErrorMessage(error);
  }
}
