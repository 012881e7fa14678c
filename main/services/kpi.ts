/**
 * The desk's side of the KPI dashboard (issue 12 item 3): the report comes from the server, which computes it and
 * decides who may read it; the CSV is built from that report by the same function the server's /api/v1/kpi.csv
 * uses (common/kpi/csv), so the file holds exactly the numbers on screen. Online only: figures are never cached.
 */
import type { DeskHandlers } from '../../common/contract';
import { kpiCsv, kpiCsvFileName } from '../../common/kpi';
import { CentralError, type CentralClient } from '../central';
import { DeskError } from '../session';

type KpiHandlers = Pick<DeskHandlers, 'kpi.report' | 'kpi.csv'>;

/** The server's refusal as an error the renderer can tell apart (its `code`) and show. */
function explained(err: unknown): unknown {
  if (!(err instanceof CentralError)) return err;
  if (err.kind === 'offline') return new DeskError('offline', 'The server cannot be reached: KPIs need a connection.');
  if (err.kind === 'unauthorized') return new DeskError('unauthenticated', 'Log in again.');
  if (err.code === 'forbidden') return new DeskError('forbidden', 'Only shift leads and admins see the KPIs.');
  return new DeskError(err.code, err.message);
}

export function createKpiHandlers(central: CentralClient): KpiHandlers {
  // Signed-in is checked for every desk method in one place (main/session-guard).
  const report: KpiHandlers['kpi.report'] = async (query) => {
    try {
      return await central.kpiReport(query);
    } catch (err) {
      throw explained(err);
    }
  };
  return {
    'kpi.report': report,
    'kpi.csv': async (query) => {
      const r = await report(query);
      return { fileName: kpiCsvFileName(r), csv: kpiCsv(r) };
    },
  };
}
