/**
 * Keeps the renderer's site time zone (formatTime.ts) in step with the synced SLA settings document, where it lives
 * beside the business calendar (`settings.calendar.timeZone`, default Asia/Shanghai). Renders nothing.
 */
import { useEffect } from 'react';
import { siteTimeZone } from '../../../../common/sla/settings';
import { setSiteTimeZone } from './formatTime';
import { useSlaSettings } from './sla/queries';

export function SiteTimeZoneSync() {
  const settings = useSlaSettings();
  const timeZone = settings.data ? siteTimeZone(settings.data.settings) : null;
  useEffect(() => {
    if (timeZone) setSiteTimeZone(timeZone);
  }, [timeZone]);
  return null;
}
