/** The intake screen's host calls: resident lookup as you type (debounced, latest wins) and the duplicate check. */
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useDebounced } from '../../hooks/useDebounced';
import type { Category } from '../../../../common/domain';
import { desk } from '../../api/desk';

export const LOOKUP_DEBOUNCE_MS = 80;

const LOOKUP_KEY = ['intake', 'lookup'] as const;

export function useResidentLookup(input: string) {
  const q = useDebounced(input.trim(), LOOKUP_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: [...LOOKUP_KEY, q],
    queryFn: () => desk.residents.lookup({ q }),
    enabled: q !== '',
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  return { q, settled: q === input.trim() && !query.isFetching, ...query };
}

/**
 * Right after sign-in the residents directory may still be downloading: each page the host writes
 * (`residents.changed`) asks the open lookup again, so its results appear without another key press, and marks
 * every other cached lookup stale. Mounted with the intake host, so it also runs while the screen is closed.
 */
export function useLookupRefresh(): void {
  const client = useQueryClient();
  useEffect(
    () => desk.on('residents.changed', () => void client.invalidateQueries({ queryKey: LOOKUP_KEY })),
    [client],
  );
}

export function useDuplicates(unitId: string | null, category: Category | null) {
  return useQuery({
    queryKey: ['intake', 'duplicates', unitId, category],
    queryFn: () => desk.tickets.duplicates({ unitId: unitId ?? '', category: category ?? 'other' }),
    enabled: unitId !== null && category !== null,
    staleTime: 0,
  });
}
