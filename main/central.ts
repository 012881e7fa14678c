/**
 * A small client of the central server's REST API. Failures come back as four kinds the callers act on
 * differently: offline (no answer: retry later, keep working locally), server_error (the server answered 5xx: it is
 * there, but failed this request), unauthorized (the session is gone) and rejected (the server understood and
 * said no).
 */
import { CtiSiteSettings } from '../common/calls/site-settings';
import type { z } from 'zod';
import { KpiReport, type KpiQuery } from '../common/kpi';
import {
  LoginResponse,
  RevealResponse,
  TicketEventsResponse,
  TicketListResponse,
  TicketResponse,
  type RevealRequest,
} from '../common/api';
import { PhoneHashKeyResponse } from '../common/residents/phone-hash';
import { User } from '../common/domain';
import { AuditPage, EraseResult, ResidentExport, type AuditFilter } from '../common/privacy';
import { DIRECTORY_SCHEMA_VERSION, DirectoryPage } from '../common/residents/directory';
import { SlaSettingsDocument } from '../common/sla/settings';
import {
  CalledNumber,
  KioskRepairReceipt,
  KioskStatusAnswer,
  QueueBoard,
  TakenNumber,
  type KioskRepairRequest,
  type KioskStatusRequest,
} from '../common/kiosk/api';
import type { QueueLine } from '../common/kiosk/lines';
import { PullResponse, PushResponse, type PullRequest, type PushRequest } from '../common/sync';
import {
  AssignmentOverview,
  Escalation,
  EscalationList,
  SetCapacityResponse,
  SetQueueSettingsResponse,
  type SetQueueSettingsRequest,
} from '../common/assignment';

export class CentralError extends Error {
  constructor(
    public readonly kind: 'offline' | 'server_error' | 'unauthorized' | 'rejected',
    public readonly code: string,
    message: string,
    public readonly status: number | null = null,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CentralError';
  }
}

/** Network error or timeout: the server cannot be reached. */
export class CentralOfflineError extends CentralError {
  constructor(message: string) {
    super('offline', 'offline', message);
  }
}

/** 5xx: the server (or a proxy in front of it) answered, but failed this request; `code` is its `error`. */
export class CentralServerError extends CentralError {
  constructor(code: string, message: string, status: number) {
    super('server_error', code, message, status);
  }
}

/** 401: no valid session (bad credentials at login, an expired or revoked token later). */
export class CentralUnauthorizedError extends CentralError {
  constructor(message: string) {
    super('unauthorized', 'unauthorized', message, 401);
  }
}

/** Any other 4xx, with the server's `{error, details}`; also a 2xx whose body breaks the protocol. */
export class CentralRejectedError extends CentralError {
  constructor(code: string, message: string, status: number | null, details?: unknown) {
    super('rejected', code, message, status, details);
  }
}

export interface CentralClientOptions {
  /** Per-request limit; a slow server counts as unreachable. */
  timeoutMs?: number;
  /** The HTTP transport; tests inject faults (dropped, duplicated, delayed messages) here. Default: global fetch. */
  fetch?: typeof fetch;
}

export class CentralClient {
  private token: string | null = null;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(baseUrl: string, options: CentralClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  setToken(token: string | null): void {
    this.token = token;
  }

  login(username: string, password: string, signal?: AbortSignal): Promise<LoginResponse> {
    return this.request('POST', '/api/v1/auth/login', { username, password }, LoginResponse, signal);
  }

  async logout(signal?: AbortSignal): Promise<void> {
    await this.request('POST', '/api/v1/auth/logout', {}, null, signal);
  }

  me(signal?: AbortSignal): Promise<User> {
    return this.request('GET', '/api/v1/me', undefined, User, signal);
  }

  push(body: PushRequest, signal?: AbortSignal): Promise<PushResponse> {
    return this.request('POST', '/api/v1/sync/push', body, PushResponse, signal);
  }

  pull(body: PullRequest, signal?: AbortSignal): Promise<PullResponse> {
    return this.request('POST', '/api/v1/sync/pull', body, PullResponse, signal);
  }

  /** A page of the server's ticket list; `q` searches as the desk's search does (server/tickets/list). */
  tickets(query: { q?: string; limit: number }, signal?: AbortSignal): Promise<TicketListResponse> {
    const params = new URLSearchParams({ limit: String(query.limit), ...(query.q !== undefined && { q: query.q }) });
    return this.request('GET', `/api/v1/tickets?${params.toString()}`, undefined, TicketListResponse, signal);
  }

  /** A ticket and its whole history, or null when the server has no such ticket (404). */
  async ticket(id: string, signal?: AbortSignal): Promise<TicketResponse | null> {
    try {
      return await this.request('GET', `/api/v1/tickets/${encodeURIComponent(id)}`, undefined, TicketResponse, signal);
    } catch (err) {
      if (err instanceof CentralError && err.status === 404) return null;
      throw err;
    }
  }

  /** A ticket's whole history (a console whose first pull left it out fetches it on open). */
  ticketEvents(ticketId: string, signal?: AbortSignal): Promise<TicketEventsResponse> {
    return this.request(
      'GET',
      `/api/v1/tickets/${encodeURIComponent(ticketId)}/events`,
      undefined,
      TicketEventsResponse,
      signal,
    );
  }

  /** One page of the residents directory after `cursor` (null: from the start). */
  residentDirectory(cursor: string | null, limit: number, signal?: AbortSignal): Promise<DirectoryPage> {
    const query = new URLSearchParams({
      limit: String(limit),
      v: String(DIRECTORY_SCHEMA_VERSION),
      ...(cursor !== null && { cursor }),
    });
    return this.request('GET', `/api/v1/residents/directory?${query.toString()}`, undefined, DirectoryPage, signal);
  }

  /** The server's phone hash secret (common/residents/phone-hash), after login. */
  phoneHashKey(signal?: AbortSignal): Promise<PhoneHashKeyResponse> {
    return this.request('GET', '/api/v1/privacy/phone-hash-key', undefined, PhoneHashKeyResponse, signal);
  }

  /** One whole phone number (an audited reveal on the server). */
  reveal(body: RevealRequest, signal?: AbortSignal): Promise<RevealResponse> {
    return this.request('POST', '/api/v1/privacy/reveal', body, RevealResponse, signal);
  }

  /** The SLA settings document (limits, year schedules, weather alert). */
  slaSettings(signal?: AbortSignal): Promise<SlaSettingsDocument> {
    return this.request('GET', '/api/v1/settings/sla', undefined, SlaSettingsDocument, signal);
  }

  /** Changes one part of the SLA settings (`limits`, `calendar` or `weather`); the server checks the role. */
  putSlaSettings(part: 'limits' | 'calendar' | 'weather', body: unknown): Promise<SlaSettingsDocument> {
    return this.request('PUT', `/api/v1/settings/sla/${part}`, body, SlaSettingsDocument);
  }

  /** The site's phone settings (wrap-up codes and time). */
  ctiSettings(signal?: AbortSignal): Promise<CtiSiteSettings> {
    return this.request('GET', '/api/v1/cti/settings', undefined, CtiSiteSettings, signal);
  }

  /** A page of the audit log, newest first (leads and admins; the server decides). */
  auditLog(filter: AuditFilter, signal?: AbortSignal): Promise<AuditPage> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) query.set(key, String(value));
    return this.request('GET', `/api/v1/audit?${query.toString()}`, undefined, AuditPage, signal);
  }

  /** Everything the server holds about one resident (admins; the server decides). */
  exportResident(id: string): Promise<ResidentExport> {
    return this.request('GET', `/api/v1/residents/${encodeURIComponent(id)}/export`, undefined, ResidentExport);
  }

  /** Erases (anonymises) one resident on their request; the reason is kept in the audit log. */
  eraseResident(id: string, reason: string): Promise<EraseResult> {
    return this.request('POST', `/api/v1/residents/${encodeURIComponent(id)}/erase`, { reason }, EraseResult);
  }

  // Lobby kiosk and queue (issue 12 §4).
  kioskTakeNumber(line: QueueLine): Promise<TakenNumber> {
    return this.request('POST', '/api/v1/kiosk/numbers', { line }, TakenNumber);
  }

  kioskReportRepair(body: KioskRepairRequest): Promise<KioskRepairReceipt> {
    return this.request('POST', '/api/v1/kiosk/repairs', body, KioskRepairReceipt);
  }

  kioskCheckStatus(body: KioskStatusRequest): Promise<KioskStatusAnswer> {
    return this.request('POST', '/api/v1/kiosk/status', body, KioskStatusAnswer);
  }

  queueBoard(): Promise<QueueBoard> {
    return this.request('GET', '/api/v1/queue/board', undefined, QueueBoard);
  }

  queueCallNext(body: { line?: QueueLine; counter: string }): Promise<CalledNumber> {
    return this.request('POST', '/api/v1/queue/call-next', body, CalledNumber);
  }

  queueRecall(id: string): Promise<CalledNumber> {
    return this.request('POST', '/api/v1/queue/recall', { id }, CalledNumber);
  }

  async queueSkip(id: string): Promise<void> {
    await this.request('POST', '/api/v1/queue/skip', { id }, null);
  }

  // Auto-assignment and escalation (issue 12 item 2): leads and admins; the server decides.
  assignmentOverview(): Promise<AssignmentOverview> {
    return this.request('GET', '/api/v1/assignment', undefined, AssignmentOverview);
  }

  setQueueSettings(teamId: string, body: SetQueueSettingsRequest): Promise<SetQueueSettingsResponse> {
    const path = `/api/v1/assignment/queues/${encodeURIComponent(teamId)}`;
    return this.request('PUT', path, body, SetQueueSettingsResponse);
  }

  setAgentCapacity(userId: string, capacity: number): Promise<SetCapacityResponse> {
    const path = `/api/v1/assignment/agents/${encodeURIComponent(userId)}/capacity`;
    return this.request('PUT', path, { capacity }, SetCapacityResponse);
  }

  escalations(open: boolean): Promise<EscalationList> {
    return this.request('GET', `/api/v1/escalations?open=${open}`, undefined, EscalationList);
  }

  acknowledgeEscalation(id: string): Promise<Escalation> {
    return this.request('POST', `/api/v1/escalations/${encodeURIComponent(id)}/acknowledge`, undefined, Escalation);
  }

  /** The KPI report (leads and admins; the server decides). */
  kpiReport(query: KpiQuery): Promise<KpiReport> {
    const params = new URLSearchParams({ period: query.period, from: query.from, to: query.to, group: query.group });
    return this.request('GET', `/api/v1/kpi?${params.toString()}`, undefined, KpiReport);
  }

  /** `signal` lets the caller abandon a request early (shutdown); the timeout always applies. */
  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    schema: S | null,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;

    let res: Response;
    try {
      res = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)])
          : AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      throw new CentralOfflineError(`${method} ${path}: server unreachable (${cause})`);
    }

    const payload = await readJson(res);
    if (res.status >= 500) {
      const code = errorCodeOf(payload) ?? `http_${res.status}`;
      throw new CentralServerError(code, `${method} ${path}: server error ${res.status} (${code})`, res.status);
    }
    if (res.status === 401) throw new CentralUnauthorizedError(`${method} ${path}: unauthorized`);
    if (!res.ok) {
      const code = errorCodeOf(payload) ?? `http_${res.status}`;
      const details = (payload as { details?: unknown } | null)?.details;
      throw new CentralRejectedError(code, `${method} ${path}: ${code}`, res.status, details);
    }
    if (schema === null) return undefined as z.output<S>;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new CentralRejectedError(
        'bad_response',
        `${method} ${path}: unexpected response`,
        res.status,
        parsed.error.issues,
      );
    }
    return parsed.data;
  }
}

/** The `error` of an `{error, details}` body, when it has a short one. */
function errorCodeOf(payload: unknown): string | null {
  const error = (payload as { error?: unknown } | null)?.error;
  return typeof error === 'string' && error.length <= 64 ? error : null;
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
