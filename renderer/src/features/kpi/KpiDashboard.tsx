/**
 * The KPI dashboard (issue 12 item 3): pick the period, grouping and dates; the server computes the report; a
 * chart shows one metric over the periods and a table every metric over the whole range, each metric's definition
 * shown on hover and on keyboard focus. Export saves the CSV (same numbers); Print prints this page alone
 * (kpi.css has the print stylesheet) for reports upward. Asked from the server each time, never cached.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useId, useMemo, useState } from 'react';
import {
  KPI_BY_ID,
  KPI_DEFINITIONS,
  KPI_GROUPS,
  KPI_PERIODS,
  KpiQuery,
  periodKey,
  type KpiId,
  type KpiReport,
} from '../../../../common/kpi';
import { fixedUtcOffsetMinutes } from '../../../../common/sla/timezone';
import { desk } from '../../api/desk';
import { deskErrorCode, deskErrorMessage } from '../../api/errors';
import { useTeams } from '../../api/queries';
import { formatFullTime, useTimeFormat } from '../console/formatTime';
import { ModalDialog } from '../console/keyboard/ModalDialog';
import { saveTextFile } from './download';
import { formatKpiValue } from './format';
import { KpiChart, chartData } from './KpiChart';
import { metricDefinition, metricName, useKpiText, type KpiT } from './text';

const DAY_MS = 86_400_000;
/** The default range: the last seven days, today included. */
const DEFAULT_DAYS = 7;

function defaultQuery(timeZone: string): KpiQuery {
  const offset = fixedUtcOffsetMinutes(timeZone) ?? 480;
  const today = periodKey('day', Date.now(), offset);
  const from = periodKey('day', Date.now() - (DEFAULT_DAYS - 1) * DAY_MS, offset);
  return { period: 'day', group: 'all', from, to: today };
}

function errorText(error: unknown, t: KpiT): string {
  switch (deskErrorCode(error)) {
    case 'offline':
      return t('error.offline');
    case 'forbidden':
      return t('error.forbidden');
    default:
      return t('error.other', { reason: deskErrorMessage(error) });
  }
}

export function KpiDashboard({ onClose }: { onClose: () => void }) {
  const { t, language } = useKpiText();
  const timeFormat = useTimeFormat();
  const teams = useTeams().data ?? [];
  const [form, setForm] = useState<KpiQuery>(() => defaultQuery(timeFormat.timeZone));
  const [metricId, setMetricId] = useState<KpiId>('firstResponseMedianMin');
  const [notice, setNotice] = useState<{ text: string; alert: boolean } | null>(null);
  const parsed = KpiQuery.safeParse(form);
  const query = parsed.success ? parsed.data : null;
  const report = useQuery({
    queryKey: ['kpi', 'report', query],
    queryFn: () => desk.kpi.report(query as KpiQuery),
    enabled: query !== null,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const set = (patch: Partial<KpiQuery>) => setForm((current) => ({ ...current, ...patch }));

  const shownGroup = report.data?.query.group;
  const groupLabel = useCallback(
    (groupId: string | null, groupName: string | null): string => {
      if (groupId === null) return shownGroup === 'all' ? t('wholeDesk') : t('none');
      if (shownGroup === 'team') {
        const team = teams.find((x) => x.id === groupId);
        if (team) return language === 'en' ? team.nameEn : team.nameZh;
      }
      return groupName ?? groupId;
    },
    [shownGroup, teams, t, language],
  );

  async function exportCsv() {
    if (!query) return;
    setNotice(null);
    try {
      const file = await desk.kpi.csv(query);
      saveTextFile(file.fileName, file.csv, 'text/csv;charset=utf-8');
      setNotice({ text: t('exported', { file: file.fileName }), alert: false });
    } catch (err) {
      setNotice({ text: errorText(err, t), alert: true });
    }
  }

  const invalid = parsed.success ? null : (parsed.error.issues[0]?.message ?? '');
  return (
    <ModalDialog title={t('title')} className="kpi-dashboard" onClose={onClose}>
      <fieldset className="kpi-controls kpi-noprint">
        <legend>{t('controls')}</legend>
        <label>
          <span>{t('period')}</span>
          <select value={form.period} onChange={(e) => set({ period: e.target.value as KpiQuery['period'] })}>
            {KPI_PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`period.${p}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('group')}</span>
          <select value={form.group} onChange={(e) => set({ group: e.target.value as KpiQuery['group'] })}>
            {KPI_GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`group.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('from')}</span>
          <input type="date" value={form.from} required onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          <span>{t('to')}</span>
          <input type="date" value={form.to} required onChange={(e) => set({ to: e.target.value })} />
        </label>
        <label>
          <span>{t('chartMetric')}</span>
          <select value={metricId} onChange={(e) => setMetricId(e.target.value as KpiId)}>
            {KPI_DEFINITIONS.map((k) => (
              <option key={k.id} value={k.id}>
                {metricName(k, language)}
              </option>
            ))}
          </select>
        </label>
        <div className="kpi-actions">
          <button type="button" disabled={!report.data} onClick={() => void exportCsv()}>
            {t('exportCsv')}
          </button>
          <button type="button" disabled={!report.data} onClick={() => window.print()}>
            {t('print')}
          </button>
          <button type="button" onClick={onClose}>
            {t('close')}
          </button>
        </div>
      </fieldset>
      {notice && (
        <p
          className={notice.alert ? 'kpi-notice kpi-noprint error' : 'kpi-notice kpi-noprint'}
          role={notice.alert ? 'alert' : 'status'}
        >
          {notice.text}
        </p>
      )}
      {invalid !== null && (
        <p className="kpi-notice error" role="alert">
          {t('error.invalid', { reason: invalid })}
        </p>
      )}
      {report.isFetching && <p role="status">{t('loading')}</p>}
      {report.error && (
        <p className="kpi-notice error" role="alert">
          {errorText(report.error, t)}
        </p>
      )}
      {report.data && (
        <KpiReportView
          report={report.data}
          metricId={metricId}
          groupLabel={groupLabel}
          t={t}
          language={language}
          timeFormat={timeFormat}
        />
      )}
    </ModalDialog>
  );
}

function KpiReportView({
  report,
  metricId,
  groupLabel,
  t,
  language,
  timeFormat,
}: {
  report: KpiReport;
  metricId: KpiId;
  groupLabel: (groupId: string | null, groupName: string | null) => string;
  t: KpiT;
  language: 'zh-CN' | 'en';
  timeFormat: ReturnType<typeof useTimeFormat>;
}) {
  const metric = KPI_BY_ID[metricId];
  const { periods, series } = useMemo(() => chartData(report, metric, groupLabel), [report, metric, groupLabel]);
  const { query } = report;
  const periodText = t(`period.${query.period}`);
  return (
    <section className="kpi-report" aria-label={t('title')}>
      <p className="kpi-scope">
        {t('scope', { from: query.from, to: query.to, period: periodText, group: t(`group.${query.group}`) })}
        {' · '}
        {t('generated', { time: formatFullTime(report.generatedAt, timeFormat), zone: report.timeZone })}
      </p>
      {periods.length === 0 ? (
        <p>{t('chartEmpty')}</p>
      ) : (
        <KpiChart
          label={t('chart', { metric: metricName(metric, language), period: periodText })}
          periods={periods}
          series={series}
        />
      )}
      <SummaryTable report={report} groupLabel={groupLabel} t={t} language={language} />
    </section>
  );
}

function SummaryTable({
  report,
  groupLabel,
  t,
  language,
}: {
  report: KpiReport;
  groupLabel: (groupId: string | null, groupName: string | null) => string;
  t: KpiT;
  language: 'zh-CN' | 'en';
}) {
  const tipPrefix = useId();
  return (
    <div className="kpi-table-scroll" tabIndex={0} role="region" aria-label={t('summary')}>
      <table className="kpi-table">
        <caption>{t('summary')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('metric')}</th>
            {report.totals.map((g) => (
              <th scope="col" key={g.groupId ?? ''}>
                {groupLabel(g.groupId, g.groupName)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {KPI_DEFINITIONS.map((k) => {
            const tipId = `${tipPrefix}-${k.id}`;
            return (
              <tr key={k.id}>
                <th scope="row" className="kpi-term-cell">
                  <button type="button" className="kpi-term" aria-describedby={tipId} data-kpi={k.id}>
                    {metricName(k, language)}
                  </button>
                  <span role="tooltip" id={tipId} className="kpi-tip">
                    {metricDefinition(k, language)}
                  </span>
                </th>
                {report.totals.map((g) => (
                  <td key={g.groupId ?? ''} data-kpi={k.id}>
                    {formatKpiValue(k.unit, g.values[k.id], language)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
