/** `a`: pick who takes the ticket(s); type to filter by name, user name or extension, Enter assigns. */
import { Command } from 'cmdk';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../../../../common/domain';
import { useUsers } from '../../../api/queries';
import { useLabels } from '../../../i18n/labels';
import { ModalDialog } from './ModalDialog';
import { matchesQuery } from './paletteFilter';

/** Who can own a ticket (the kiosk account and admins do not work tickets). */
const ASSIGNABLE: readonly Role[] = ['agent', 'lead', 'technician'];

export function AssignPicker({
  what,
  currentAssigneeId,
  onChoose,
  onClose,
}: {
  /** "BX-…" or "3 张工单", for the title. */
  what: string;
  currentAssigneeId: string | null;
  onChoose: (user: User | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const users = useUsers();
  const [query, setQuery] = useState('');
  const people = (users.data ?? [])
    .filter((user) => ASSIGNABLE.includes(user.role))
    .filter((user) =>
      matchesQuery(`${user.name} ${user.username} ${user.extension ?? ''} ${labels.role(user.role)}`, query),
    );

  return (
    <ModalDialog title={t('triage.assign.title', { what })} className="kb-picker" popup onClose={onClose}>
      <Command label={t('triage.assign.title', { what })} shouldFilter={false} loop>
        <Command.Input
          className="kb-palette-input"
          value={query}
          onValueChange={setQuery}
          placeholder={t('triage.assign.placeholder')}
          aria-label={t('triage.assign.placeholder')}
        />
        <Command.List className="kb-palette-list">
          {users.isPending && <Command.Loading>{t('app.loading')}</Command.Loading>}
          {people.map((user) => (
            <Command.Item
              key={user.id}
              value={user.id}
              disabled={user.id === currentAssigneeId}
              onSelect={() => onChoose(user)}
            >
              <span className="kb-palette-label">{user.name}</span>
              <span className="kb-muted">
                {labels.role(user.role)} · {user.username}
                {user.extension ? ` · #${user.extension}` : ''}
              </span>
            </Command.Item>
          ))}
          {matchesQuery(`${t('triage.assign.unassign')} unassign`, query) && (
            <Command.Item value="unassign" disabled={currentAssigneeId === null} onSelect={() => onChoose(null)}>
              <span className="kb-palette-label">{t('triage.assign.unassign')}</span>
            </Command.Item>
          )}
          <Command.Empty>{t('triage.assign.empty')}</Command.Empty>
        </Command.List>
      </Command>
    </ModalDialog>
  );
}
