/** Request and response shapes of the central server's REST routes, shared by server and desk host. */
import { z } from 'zod';
import { Category, Channel, Priority, TicketStatus, TicketType, User } from './domain';
import { KeysetCursor, Uuid, line, queryInt, text } from './input';

export const LoginRequest = z.object({
  username: line(64, { trim: true, min: 1 }),
  password: text(256, { min: 1 }),
});
export const LoginResponse = z.object({ token: z.string(), expiresAt: z.string(), user: User });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const TicketListQuery = z.object({
  status: TicketStatus.optional(),
  queue: line(32).optional(),
  assignee: z.union([z.enum(['me', 'none']), Uuid]).optional(),
  q: text(200).optional(),
  limit: queryInt(1, 500).default(50),
  cursor: KeysetCursor.optional(),
});
export type TicketListQuery = z.output<typeof TicketListQuery>;

export const ResidentQuery = z
  .object({ phone: line(32).optional(), q: line(64).optional() })
  .refine((v) => v.phone !== undefined || v.q !== undefined, { message: 'Give phone or q' });

/** Intake from WeChat, the resident app and integrations. */
export const IntakeRequest = z.object({
  type: TicketType,
  category: Category,
  title: text(200, { trim: true, min: 1 }),
  description: text(5000).optional(),
  channel: Channel,
  phone: line(32).optional(),
  unitId: line(64).optional(),
  priority: Priority.optional(),
});
export type IntakeRequest = z.infer<typeof IntakeRequest>;

export const ApiError = z.object({ error: z.string(), details: z.unknown().optional() });
export type ApiError = z.infer<typeof ApiError>;
