/** What the kiosk says when a flow is refused: one bilingual sentence per reason, never which detail was wrong. */
import { KIOSK_ERRORS } from '../../../../common/kiosk/api';
import { deskErrorCode } from '../../api/errors';
import { kioskText, type Bilingual } from '../../i18n/kiosk';

export function kioskErrorText(error: unknown): Bilingual {
  const code = deskErrorCode(error);
  if (code === KIOSK_ERRORS.notMatched) return kioskText('notMatched');
  if (code === KIOSK_ERRORS.tooManyTries) return kioskText('tooManyTries');
  if (code === 'invalid_input' || code === 'invalid_request') return kioskText('invalid');
  return kioskText('unavailable');
}
