/** What went wrong with an online-only privacy call, in the agent's words (the host's codes, main/services/privacy). */
import type { TFunction } from 'i18next';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';

export function privacyErrorText(error: unknown, t: TFunction): string {
  switch (deskErrorCode(error)) {
    case 'offline':
      return t('privacy.offline');
    case 'forbidden':
      return t('privacy.forbidden');
    case 'not_found':
      return t('privacy.notFound');
    default:
      return t('privacy.failed', { message: deskErrorMessage(error) });
  }
}
