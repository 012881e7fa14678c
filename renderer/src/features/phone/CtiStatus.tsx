/** The phone's connection in the status bar: "话机已连接", "话机断开，正在重连"… (one entry per adapter switched on). */
import { useTranslation } from 'react-i18next';
import { shownAdapters } from './format';
import { useCtiStatus } from './queries';

export function CtiStatus() {
  const { t } = useTranslation();
  const status = useCtiStatus().data;
  if (!status) return null;
  const adapters = shownAdapters(status);
  if (adapters.length === 0) {
    return (
      <span className="cti-state state-disabled">
        <span className="cti-dot" aria-hidden="true" />
        {t('phone.cti.none')}
      </span>
    );
  }
  return (
    <>
      {adapters.map((adapter) => (
        <span key={adapter.name} className={`cti-state state-${adapter.state}`} title={adapter.detail ?? undefined}>
          <span className="cti-dot" aria-hidden="true" />
          {t(`phone.cti.${adapter.name}.${adapter.state as 'connected' | 'connecting' | 'disconnected'}`)}
        </span>
      ))}
    </>
  );
}
