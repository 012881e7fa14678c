/** What went wrong with an assignment call, in the lead's words (the host's codes, main/services/assignment). */
import { deskErrorCode, deskErrorMessage } from '../../../api/errors';
import type { AssignT } from './useAssignText';

export function assignErrorText(error: unknown, t: AssignT): string {
  switch (deskErrorCode(error)) {
    case 'offline':
      return t('offline');
    case 'forbidden':
      return t('forbidden');
    default:
      return t('failed', { message: deskErrorMessage(error) });
  }
}
