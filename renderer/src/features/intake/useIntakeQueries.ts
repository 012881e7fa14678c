/** The intake screen's host calls: resident lookup as you type (debounced, latest wins) and the duplicate check. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDebounced } from '../../hooks/useDebounced';
import type { Category } from '../../../../common/domain';
import { desk } from '../../api/desk';

export const LOOKUP_DEBOUNCE_MS = 80;

export function useResidentLookup(input: string) {
  const q = useDebounced(input.trim(), LOOKUP_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: ['intake', 'lookup', q],
    queryFn: () => desk.residents.lookup({ q }),
    enabled: q !== '',
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    // Right after sign-in the directory may still be downloading: ask again until it has arrived.
    refetchInterval: (q) => (q.state.data?.directoryEmpty ? 2_000 : false),
  });
  return { q, settled: q === input.trim() && !query.isFetching, ...query };
}

export function useDuplicates(unitId: string | null, category: Category | null) {
  return useQuery({
    queryKey: ['intake', 'duplicates', unitId, category],
    queryFn: () => desk.tickets.duplicates({ unitId: unitId ?? '', category: category ?? 'other' }),
    enabled: unitId !== null && category !== null,
    staleTime: 0,
  });
}
