/**
 * A change's data already encoded as JSON by the database (tickets: the `wire` column, migrations 0006 and 0007).
 * serializePullResponse splices the text in as it is; toJSON keeps any other JSON.stringify of a response correct
 * (if slower).
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}
