// The grant field of req.session: serialises as its data, prints without its tokens.
import { inspect } from "node:util";
import type { GrantRecordData } from "./session-access";

/**
 * Its `toJSON` returns the very object it was made from, so wrapping a loaded field changes neither
 * what a store writes nor express-session's hash of the session (no extra write per request).
 */
export class GrantRecord {
  readonly #data: GrantRecordData;

  constructor(data: GrantRecordData) {
    this.#data = data;
  }

  get data(): GrantRecordData {
    return this.#data;
  }

  // Read-only views for code that inspects a loaded session (as the field read before it was wrapped).
  get grantKey(): string {
    return this.#data.grantKey;
  }

  get rev(): number {
    return this.#data.rev;
  }

  get tokens(): GrantRecordData["tokens"] {
    return this.#data.tokens;
  }

  toJSON(): GrantRecordData {
    return this.#data;
  }

  [inspect.custom](): string {
    const { grantKey, rev, tokens } = this.#data;
    return `PitchlyGrant ${JSON.stringify({ grantKey, rev, ...(tokens && { expiresAt: tokens.expiresAt, tokens: "[redacted]" }) })}`;
  }
}

/** The field's data if it is one of ours (wrapped or as a store handed it back), else undefined. */
export function grantData(field: unknown): GrantRecordData | undefined {
  if (field instanceof GrantRecord) return field.data;
  if (typeof field !== "object" || field === null) return undefined;
  const data = field as Partial<GrantRecordData>;
  return typeof data.grantKey === "string" && typeof data.rev === "number" ? (data as GrantRecordData) : undefined;
}

/** Swaps a plain loaded field for its record in place (same JSON, so the session still counts as unmodified). */
export function wrapGrantField(session: { pitchly?: unknown }): GrantRecordData | undefined {
  const field = session.pitchly;
  const data = grantData(field);
  if (data && !(field instanceof GrantRecord)) session.pitchly = new GrantRecord(data);
  return data;
}
