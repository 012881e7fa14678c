/** Request and response shapes of the central server's REST routes, shared by server and desk host. */
import { z } from 'zod';
import { Category, Channel, Priority, TicketStatus, TicketType, User } from './domain';

export const LoginRequest = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const TicketListQuery = z.object({
  status: TicketStatus.optional(),
  queue: z.string().max(32).optional(),
  assignee: z.string().max(64).optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;

export const ResidentQuery = z
  .object({ phone: z.string().max(32).optional(), q: z.string().max(64).optional() })
  .refine((v) => v.phone !== undefined || v.q !== undefined, { message: 'Give phone or q' });

/** Intake from WeChat, the resident app and integrations. */
export const IntakeRequest = z.object({
  type: TicketType,
  category: Category,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  channel: Channel,
  phone: z.string().max(32).optional(),
  unitId: z.string().max(64).optional(),
  priority: Priority.optional(),
});
export type IntakeRequest = z.infer<typeof IntakeRequest>;

/**
 * What intake answers a caller that may not read tickets (the lobby kiosk): what a resident at the counter may
 * see — the code to quote and the status — never the name, unit or phone the server linked to the ticket.
 */
export const IntakeReceipt = z.object({
  code: z.string(),
  type: TicketType,
  category: Category,
  status: TicketStatus,
  createdAt: z.string(),
});
export type IntakeReceipt = z.infer<typeof IntakeReceipt>;

export const ApiError = z.object({ error: z.string(), details: z.unknown().optional() });
export type ApiError = z.infer<typeof ApiError>;
