/** The signed-in console: header, views, the ticket list beside the open ticket, and the sync status bar. */
import { useState } from 'react';
import type { ViewId } from '../../../../common/contract';
import type { User } from '../../../../common/domain';
import { Header } from './Header';
import { SyncStatusBar } from './SyncStatusBar';
import { TicketDetail } from './TicketDetail';
import { TicketList } from './TicketList';
import { ViewNav } from './ViewNav';

export function ConsoleLayout({ user }: { user: User }) {
  const [view, setView] = useState<ViewId>('inbox');
  const [openTicketId, setOpenTicketId] = useState<string | null>(null);

  return (
    <div className="console">
      <Header user={user} />
      <div className="console-body">
        <ViewNav active={view} onSelect={setView} />
        <main className="console-main">
          {/* Keyed by view: a new view starts at its top with the cursor on the first row. */}
          <TicketList key={view} view={view} openTicketId={openTicketId} onOpen={setOpenTicketId} />
          <TicketDetail ticketId={openTicketId} user={user} />
        </main>
      </div>
      <SyncStatusBar onOpenTicket={setOpenTicketId} />
    </div>
  );
}
