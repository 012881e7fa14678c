/**
 * This desk's phone settings (Shift+F2 or the palette): the agent's extension, the local hook's port, baresip's
 * ctrl_tcp address and Asterisk AMI. Saved in the desk's profile; the adapters restart with them and their state
 * shows here and in the status bar. The hook's secret never reaches the page: it is printed where the console runs.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CtiSettings } from '../../../../common/calls/pop';
import { desk } from '../../api/desk';
import { deskErrorMessage } from '../../api/errors';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { useAction } from '../console/keyboard/registry';
import { phoneKeys, useCtiStatus } from './queries';

export function PhoneSettings() {
  const [settings, setSettings] = useState<CtiSettings | null>(null);
  useAction('phone.settings', () => void desk.cti.settings({}).then(setSettings));
  if (!settings) return null;
  return <SettingsForm initial={settings} onClose={() => setSettings(null)} />;
}

function SettingsForm({ initial, onClose }: { initial: CtiSettings; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useCtiStatus().data;
  const [form, setForm] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await desk.cti.setSettings(form);
      await client.invalidateQueries({ queryKey: phoneKeys.cti });
      onClose();
    } catch (err) {
      setError(deskErrorMessage(err));
      setSaving(false);
    }
  }

  const stateOf = (name: 'hook' | 'baresip' | 'ami') => {
    const adapter = status?.adapters.find((a) => a.name === name);
    return adapter ? t(`phone.settings.state.${adapter.state}`) : t('phone.settings.state.disabled');
  };

  return (
    <ModalDialog title={t('phone.settings.title')} className="phone-settings" onClose={onClose}>
      <form onSubmit={(e) => void save(e)}>
        <Field label={t('phone.settings.extension')}>
          <input
            value={form.extension ?? ''}
            maxLength={32}
            onChange={(e) => setForm({ ...form, extension: e.target.value.trim() || null })}
          />
        </Field>
        <fieldset>
          <legend>
            {t('phone.settings.hook')} · {stateOf('hook')}
          </legend>
          <Toggle
            label={t('phone.settings.enabled')}
            checked={form.hook.enabled}
            onChange={(enabled) => setForm({ ...form, hook: { ...form.hook, enabled } })}
          />
          <Port value={form.hook.port} onChange={(port) => setForm({ ...form, hook: { ...form.hook, port } })} />
          {status?.hookUrl && <p className="pop-muted">{t('phone.settings.hookUrl', { url: status.hookUrl })}</p>}
        </fieldset>
        <fieldset>
          <legend>baresip · {stateOf('baresip')}</legend>
          <Toggle
            label={t('phone.settings.enabled')}
            checked={form.baresip.enabled}
            onChange={(enabled) => setForm({ ...form, baresip: { ...form.baresip, enabled } })}
          />
          <Field label={t('phone.settings.host')}>
            <input
              value={form.baresip.host}
              maxLength={253}
              onChange={(e) => setForm({ ...form, baresip: { ...form.baresip, host: e.target.value } })}
            />
          </Field>
          <Port
            value={form.baresip.port}
            onChange={(port) => setForm({ ...form, baresip: { ...form.baresip, port } })}
          />
        </fieldset>
        <fieldset>
          <legend>Asterisk AMI · {stateOf('ami')}</legend>
          <Toggle
            label={t('phone.settings.enabled')}
            checked={form.ami.enabled}
            onChange={(enabled) => setForm({ ...form, ami: { ...form.ami, enabled } })}
          />
          <Field label={t('phone.settings.host')}>
            <input
              value={form.ami.host}
              maxLength={253}
              onChange={(e) => setForm({ ...form, ami: { ...form.ami, host: e.target.value } })}
            />
          </Field>
          <Port value={form.ami.port} onChange={(port) => setForm({ ...form, ami: { ...form.ami, port } })} />
          <Field label={t('phone.settings.username')}>
            <input
              value={form.ami.username}
              maxLength={64}
              autoComplete="off"
              onChange={(e) => setForm({ ...form, ami: { ...form.ami, username: e.target.value } })}
            />
          </Field>
          <Field label={t('phone.settings.secret')}>
            <input
              type="password"
              value={form.ami.secret}
              maxLength={256}
              autoComplete="off"
              onChange={(e) => setForm({ ...form, ami: { ...form.ami, secret: e.target.value } })}
            />
          </Field>
        </fieldset>
        {error && (
          <p className="inline-error" role="alert">
            {t('phone.settings.failed', { message: error })}
          </p>
        )}
        <div className="wrap-up-buttons">
          <button type="submit" className="primary" disabled={saving}>
            {t('phone.settings.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('phone.settings.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="wrap-up-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="phone-settings-toggle">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

function Port({ value, onChange }: { value: number; onChange: (port: number) => void }) {
  const { t } = useTranslation();
  return (
    <Field label={t('phone.settings.port')}>
      <input
        type="number"
        min={1}
        max={65535}
        required
        value={value}
        onChange={(e) => onChange(Math.trunc(Number(e.target.value)))}
      />
    </Field>
  );
}
