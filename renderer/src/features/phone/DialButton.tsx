/**
 * Click-to-dial (issue 10 item 6): the softphone dials a stored number, the agent never types it. Shown beside
 * every resident phone in the console (the pop, the ticket detail, the calls views). The console holds numbers
 * masked (issue 11 §4): the desk asks the server for the whole number (recorded as a dial) and hands it to the
 * softphone, so dialling needs the server; offline nothing is dialled and the notice says why.
 */
import { useTranslation } from 'react-i18next';
import type { PhoneRef } from '../../../../common/api';
import { desk } from '../../api/desk';
import { usePhoneFormat } from '../console/phoneDisplay';
import { announce, phoneErrorReason } from './notify';

export function DialButton({ target, shown, label }: { target: PhoneRef; shown: string; label?: string }) {
  const { t } = useTranslation();
  const number = usePhoneFormat()(shown);

  async function dial() {
    announce(t('phone.notice.dialing', { number }));
    try {
      await desk.calls.dial(target);
    } catch (error) {
      announce(t('phone.notice.failed', { action: t('phone.action.dial'), reason: phoneErrorReason(error, t) }), true);
    }
  }

  return (
    <button
      type="button"
      className="dial-button"
      aria-label={label ?? t('phone.dial.label', { number })}
      onClick={() => void dial()}
    >
      <span aria-hidden="true">☎</span> {label ?? t('phone.dial.button')}
    </button>
  );
}
