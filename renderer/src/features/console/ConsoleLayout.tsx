/** The signed-in console: header, views, the ticket list beside the open ticket, and the sync status bar. */
import { useState } from 'react';
import type { ViewId } from '../../../../common/contract';
import type { User } from '../../../../common/domain';
import { FIRST_VIEW } from '../../api/queries';
import { IntakeHost } from '../intake/IntakeHost';
import { Header } from './Header';
import { TriageProvider } from './keyboard/TriageProvider';
import { SearchPanel } from './search/SearchPanel';
import { ProvisionalBanner } from './sla/SlaControls';
import { StepFormHost } from './sop/StepFormHost';
import { SyncStatusBar } from './SyncStatusBar';
import { TicketDetail } from './TicketDetail';
import { TicketList } from './TicketList';
import { ViewNav } from './ViewNav';

export function ConsoleLayout({ user }: { user: User }) {
  const [view, setView] = useState<ViewId>(FIRST_VIEW);
  const [openTicketId, setOpenTicketId] = useState<string | null>(null);

  return (
    <TriageProvider user={user} view={view} onView={setView} openTicketId={openTicketId} onOpenTicket={setOpenTicketId}>
      <div className="console">
        <Header user={user} />
        <ProvisionalBanner user={user} />
        <div className="console-body">
          <ViewNav active={view} onSelect={setView} />
          <main className="console-main">
            {/* Keyed by view: a new view starts at its top with the cursor on the first row. */}
            <TicketList key={view} view={view} openTicketId={openTicketId} onOpen={setOpenTicketId} />
            <TicketDetail ticketId={openTicketId} user={user} />
          </main>
        </div>
        <SyncStatusBar onOpenTicket={setOpenTicketId} />
        <SearchPanel onOpenTicket={setOpenTicketId} />
        <StepFormHost user={user} />
        <IntakeHost onOpenTicket={setOpenTicketId} />
      </div>
    </TriageProvider>
  );
}
