/** React-query hooks for the SLA settings (settings.* desk methods), refreshed by the host's 'settings.changed'. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import type { MethodInput, MethodOutput } from '../../../../../common/contract';
import { desk } from '../../../api/desk';

export const slaSettingsKey = ['settings', 'sla'] as const;

export function useSlaSettings() {
  const client = useQueryClient();
  useEffect(
    () => desk.on('settings.changed', () => void client.invalidateQueries({ queryKey: slaSettingsKey })),
    [client],
  );
  return useQuery({ queryKey: slaSettingsKey, queryFn: () => desk.settings.sla({}), staleTime: 60_000 });
}

function useSettingsMutation<I>(run: (input: I) => Promise<MethodOutput<'settings.sla'>>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (view) => client.setQueryData(slaSettingsKey, view),
  });
}

export const useSetWeatherAlert = () => useSettingsMutation((on: boolean) => desk.settings.setWeatherAlert({ on }));

export const useSetYearSchedule = () =>
  useSettingsMutation((schedule: MethodInput<'settings.setYearSchedule'>) => desk.settings.setYearSchedule(schedule));

// One ticking clock for every SLA badge on screen (a timer per row would not scale to long lists).
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The current time, updated every 30 s while some component shows time left. */
export function useMinuteClock(): number {
  return useSyncExternalStore(subscribe, () => now);
}
