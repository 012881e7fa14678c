/**
 * A call record's id, named after its first report: the reporter and its own id for the call. The desk's
 * optimistic record and the server's record of the same first report then share one id, so a console never
 * shows the same call twice while its events travel (a name-based RFC 9562 v5 uuid).
 */
import { v5 } from 'uuid';

/** This product's namespace for call record ids (a fixed random uuid). */
const CALL_NAMESPACE = '6f1f5a3e-5a38-4c55-9a7e-3c0e6f0b7d21';

export function callRecordId(source: string, reporterCallId: string): string {
  return v5(`${source}\u0000${reporterCallId}`, CALL_NAMESPACE);
}
