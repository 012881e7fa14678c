/** The signed-in console: header, views, the ticket list beside the open ticket, and the sync status bar. */
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
import { useCurrentTicket } from './useCurrentTicket';
import { ViewNav } from './ViewNav';

export function ConsoleLayout({ user }: { user: User }) {
  const current = useCurrentTicket(FIRST_VIEW);
  const { view, openTicketId, showTicket } = current;

  return (
    <TriageProvider
      user={user}
      view={view}
      onView={current.changeView}
      openTicketId={openTicketId}
      onShowTicket={showTicket}
      onCloseTicket={current.closeTicket}
    >
      <div className="console">
        <Header user={user} />
        <ProvisionalBanner user={user} />
        <div className="console-body">
          <ViewNav active={view} onSelect={current.changeView} />
          <main className="console-main">
            {/* Keyed by view: a new view starts at its top with the cursor on the first row. */}
            <TicketList
              key={view}
              view={view}
              openTicketId={openTicketId}
              cursorRequest={current.cursorRequest?.view === view ? current.cursorRequest : null}
              onOpen={current.openAtCursor}
            />
            <TicketDetail ticketId={openTicketId} user={user} />
          </main>
        </div>
        <SyncStatusBar onOpenTicket={showTicket} />
        <SearchPanel onOpenTicket={showTicket} />
        <StepFormHost user={user} />
        <IntakeHost onOpenTicket={showTicket} />
      </div>
    </TriageProvider>
  );
}
