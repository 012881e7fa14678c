/** Wrap-up (disposition) codes a site starts with; admins change the list on the server. Labels are in the renderer. */
export const DEFAULT_DISPOSITIONS = [
  'repair_logged',
  'complaint_logged',
  'enquiry_answered',
  'fee_enquiry',
  'wrong_number',
  'transferred',
  'callback_promised',
] as const;
