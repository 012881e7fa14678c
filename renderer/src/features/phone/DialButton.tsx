/**
 * Click-to-dial (issue 10 item 6): the softphone dials the stored number, the agent never types it. Shown beside
 * every resident phone in the console (the pop, the ticket detail, the calls views).
 */
import { useTranslation } from 'react-i18next';
import { desk } from '../../api/desk';
import { usePhoneFormat } from '../console/phoneDisplay';
import { announce, phoneErrorReason } from './notify';

export function DialButton({ number, label }: { number: string; label?: string }) {
  const { t } = useTranslation();
  const shown = usePhoneFormat()(number);

  async function dial() {
    announce(t('phone.notice.dialing', { number: shown }));
    try {
      await desk.calls.dial({ number });
    } catch (error) {
      announce(t('phone.notice.failed', { action: t('phone.action.dial'), reason: phoneErrorReason(error, t) }), true);
    }
  }

  return (
    <button
      type="button"
      className="dial-button"
      aria-label={label ?? t('phone.dial.label', { number: shown })}
      onClick={() => void dial()}
    >
      <span aria-hidden="true">☎</span> {label ?? t('phone.dial.button')}
    </button>
  );
}
