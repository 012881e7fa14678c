/**
 * The site's phone settings as the server keeps them (`GET/PUT /api/v1/cti/settings`): the integration switch,
 * the wrap-up (disposition) codes and the after-call time. The desk caches them to work offline.
 */
import { z } from 'zod';
import { DEFAULT_DISPOSITIONS } from './dispositions';
import { DEFAULT_WRAP_UP_SECONDS } from './presence';

const Disposition = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a code of lower-case letters, digits and _ (at most 32)');

const Dispositions = z
  .array(Disposition)
  .min(1)
  .max(50)
  .refine((list) => new Set(list).size === list.length, 'codes must be unique');
/** Seconds an agent spends in wrap_up after a call before being available again. */
const WrapUpSeconds = z.number().int().min(0).max(3600);

export const CtiSiteSettings = z.object({
  enabled: z.boolean().default(true),
  dispositions: Dispositions.default([...DEFAULT_DISPOSITIONS]),
  wrapUpSeconds: WrapUpSeconds.default(DEFAULT_WRAP_UP_SECONDS),
});
export type CtiSiteSettings = z.output<typeof CtiSiteSettings>;
/** What `PUT /api/v1/cti/settings` takes: the fields to change, nothing unknown. */
export const CtiSiteSettingsPatch = z.strictObject({
  enabled: z.boolean().optional(),
  dispositions: Dispositions.optional(),
  wrapUpSeconds: WrapUpSeconds.optional(),
});
export const DEFAULT_CTI_SITE_SETTINGS: CtiSiteSettings = CtiSiteSettings.parse({});
