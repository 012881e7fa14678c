/**
 * The signed-in console: header, views, the ticket list beside the open ticket (or a calls view), the phone's
 * column (incoming-call pops, wrap-up) and the sync status bar.
 */
import { useCallback } from 'react';
import type { ViewId } from '../../../../common/contract';
import type { User } from '../../../../common/domain';
import { FIRST_VIEW, usePrefetchViewHeads } from '../../api/queries';
import { IntakeHost } from '../intake/IntakeHost';
import { CallsNav } from '../phone/CallsNav';
import { CallsScreen } from '../phone/CallsScreen';
import { PhoneHost } from '../phone/PhoneHost';
import { QueueCounterHost } from '../queue/QueueCounterHost';
import { KpiHost } from '../kpi/KpiHost';
import { PrivacyHost } from '../privacy/PrivacyHost';
import { AssignmentHost, AssignmentSections } from '../lead/assignment/AssignmentHost';
import { LeadHost } from '../lead/LeadHost';
import { useCallsView } from '../phone/useCallsView';
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
  usePrefetchViewHeads();
  const { view, openTicketId } = current;
  const calls = useCallsView();
  const { leave } = calls;
  const { showTicket: show } = current;
  // A ticket shown from anywhere (a pop, a call, search…), or a ticket view chosen, leaves the calls view.
  const showTicket = useCallback(
    (id: string) => {
      leave();
      show(id);
    },
    [leave, show],
  );
  const changeView = (next: ViewId) => {
    leave();
    current.changeView(next);
  };

  return (
    <TriageProvider
      user={user}
      view={view}
      onView={changeView}
      openTicketId={openTicketId}
      onShowTicket={showTicket}
      onCloseTicket={current.closeTicket}
    >
      <div className="console">
        <Header user={user} />
        <ProvisionalBanner user={user} />
        <div className="console-body">
          <ViewNav active={calls.view ? null : view} onSelect={changeView}>
            <CallsNav active={calls.view} onSelect={calls.show} />
          </ViewNav>
          <main className="console-main">
            {calls.view ? (
              <CallsScreen
                key={calls.view}
                view={calls.view}
                nextMissed={calls.nextMissed}
                onNextDone={calls.nextMissedDone}
                onOpenTicket={showTicket}
              />
            ) : (
              <>
                {/* Keyed by view: a new view starts at its top with the cursor on the first row. */}
                <TicketList
                  key={view}
                  view={view}
                  openTicketId={openTicketId}
                  cursorRequest={current.cursorRequest?.view === view ? current.cursorRequest : null}
                  onOpen={current.openAtCursor}
                />
                <TicketDetail ticketId={openTicketId} user={user} />
              </>
            )}
          </main>
          <PhoneHost user={user} onOpenTicket={showTicket} />
        </div>
        <SyncStatusBar onOpenTicket={showTicket} />
        <SearchPanel onOpenTicket={showTicket} />
        <StepFormHost user={user} />
        <IntakeHost onOpenTicket={showTicket} />
        <PrivacyHost user={user} />
        <QueueCounterHost user={user} />
        <AssignmentHost user={user} />
        <LeadHost user={user} extras={<AssignmentSections />} />
        <KpiHost user={user} />
      </div>
    </TriageProvider>
  );
}
