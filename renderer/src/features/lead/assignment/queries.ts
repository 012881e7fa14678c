/**
 * The assignment screens' server data (online only: never cached on the desk). Changes invalidate the overview; a
 * live escalation (host event `assignment.escalated`) invalidates the escalation list.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { MethodInput } from '../../../../../common/contract';
import { desk } from '../../../api/desk';

export const assignmentKeys = {
  overview: ['assignment', 'overview'] as const,
  escalations: ['assignment', 'escalations'] as const,
};

export function useAssignmentOverview() {
  return useQuery({
    queryKey: assignmentKeys.overview,
    queryFn: () => desk.assignment.overview({}),
    retry: false,
    refetchInterval: 30_000,
  });
}

export function useSetQueue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<'assignment.setQueue'>) => desk.assignment.setQueue(input),
    onSettled: () => client.invalidateQueries({ queryKey: assignmentKeys.overview }),
  });
}

export function useSetCapacity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: MethodInput<'assignment.setCapacity'>) => desk.assignment.setCapacity(input),
    onSettled: () => client.invalidateQueries({ queryKey: assignmentKeys.overview }),
  });
}

export function useEscalations() {
  const client = useQueryClient();
  useEffect(
    () =>
      desk.on('assignment.escalated', () => {
        void client.invalidateQueries({ queryKey: assignmentKeys.escalations });
        void client.invalidateQueries({ queryKey: assignmentKeys.overview });
      }),
    [client],
  );
  return useQuery({
    queryKey: assignmentKeys.escalations,
    queryFn: () => desk.assignment.escalations({ open: true }),
    retry: false,
    refetchInterval: 60_000,
  });
}

export function useAcknowledge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => desk.assignment.acknowledge({ id }),
    onSettled: () => client.invalidateQueries({ queryKey: assignmentKeys.escalations }),
  });
}
