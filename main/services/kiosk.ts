/**
 * The lobby kiosk and display on the desk host (issue 12 §4): their sign-in (a kiosk account only), their flows
 * passed to the central server, and the board's live updates. A lobby session syncs nothing: its account may read
 * no ticket, resident or call, so the desk keeps no cache for it and only listens for "the queue changed".
 */
import type { DeskHandlers, EventName, EventPayload, MethodName } from '../../common/contract';
import type { User } from '../../common/domain';
import { QUEUE_LIVE_TYPE, type LiveMessage } from '../../common/live';
import { CentralError, type CentralClient } from '../central';
import { DeskError, type SessionService } from '../session';
import { createLiveClient, type LiveOptions } from '../sync/live';

/** Whether this session belongs to a lobby device (kiosk or display), which runs no sync, calls or directory. */
export function isLobbySession(user: User | null): boolean {
  return user?.role === 'kiosk';
}

type KioskMethod = Extract<MethodName, `kiosk.${string}` | `queue.${string}`>;

export interface KioskService {
  handlers: Pick<DeskHandlers, KioskMethod>;
  /** A message of the console's own live socket (an agent's queue panel follows the board too). */
  onLive(message: LiveMessage): void;
  /** Starts the lobby's live socket when the stored session is a lobby device's. */
  start(): void;
  stop(): void;
}

/** What the central server said, as the kiosk screen tells it apart (code), never a stack trace. */
async function relay<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CentralError) throw new DeskError(err.code, err.message);
    throw err;
  }
}

export function createKioskService(deps: {
  central: CentralClient;
  session: SessionService;
  serverUrl: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  live?: LiveOptions | false;
}): KioskService {
  const { central, session, emit } = deps;
  const queueChanged = () => emit('queue.changed', {});

  const lobbyLive =
    deps.live === false
      ? null
      : createLiveClient(
          {
            serverUrl: deps.serverUrl,
            token: () => session.token(),
            clientId: () => null,
            onPoke: () => {},
            // Whatever changed while the socket was down: the display asks for the board again.
            onOpen: queueChanged,
            onUnauthorized: () => {
              lobbyLive?.stop();
              emit('session.changed', session.clear());
            },
            onMessage: (message) => {
              if (message.type === QUEUE_LIVE_TYPE) queueChanged();
            },
          },
          deps.live,
        );

  const start = () => {
    if (isLobbySession(session.user())) lobbyLive?.start();
  };

  return {
    handlers: {
      'kiosk.signIn': async ({ username, password }) => {
        lobbyLive?.stop();
        const signedIn = await session.login(username, password);
        if (!isLobbySession(signedIn.user)) {
          // A staff account on a lobby screen would leave its session on a device anyone can touch.
          await session.logout();
          throw new DeskError('not_a_kiosk_account', 'Only a kiosk account can sign in a lobby screen');
        }
        start();
        emit('session.changed', signedIn);
        return signedIn;
      },
      'kiosk.takeNumber': ({ line }) => relay(() => central.kioskTakeNumber(line)),
      'kiosk.reportRepair': (input) => relay(() => central.kioskReportRepair(input)),
      'kiosk.checkStatus': (input) => relay(() => central.kioskCheckStatus(input)),
      'queue.board': () => relay(() => central.queueBoard()),
      'queue.callNext': (input) => relay(() => central.queueCallNext(input)),
      'queue.recall': ({ id }) => relay(() => central.queueRecall(id)),
      'queue.skip': async ({ id }) => {
        await relay(() => central.queueSkip(id));
        return { id };
      },
    },
    onLive(message) {
      if (message.type === QUEUE_LIVE_TYPE) queueChanged();
    },
    start,
    stop: () => lobbyLive?.stop(),
  };
}
