// Pitchly's plugin messages: the typed state they carry, and the shape checks that drop anything malformed.
import { isRecord } from "./http.js";

export interface PitchlyWorkspace {
  workspaceId: string;
}

export interface PitchlyPerson {
  personId: string;
}

export interface PitchlyTable {
  tableId: string;
}

export interface PitchlyActiveCell {
  fieldId: string;
  recordId: string;
}

export interface PitchlyFocus {
  isFocused: boolean;
}

/** The latest value of each message Pitchly sent; a key is absent until its first well-formed message. */
export interface PitchlyPluginState {
  workspace?: PitchlyWorkspace;
  person?: PitchlyPerson;
  table?: PitchlyTable;
  activeCell?: PitchlyActiveCell;
  focus?: PitchlyFocus;
}

export type PitchlyStateKey = keyof PitchlyPluginState;

/** A known message, narrowed by `type`. */
export type PitchlyStateMessage = {
  [K in PitchlyStateKey]: { type: K; data: NonNullable<PitchlyPluginState[K]> };
}[PitchlyStateKey];

/** Any `{ type, data }` message from Pitchly, as it arrived (known types and the ones not captured yet). */
export interface PitchlyRawMessage {
  type: string;
  data: Record<string, unknown>;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

type Reader<K extends PitchlyStateKey> = (data: Record<string, unknown>) => PitchlyPluginState[K] | undefined;

// Only the documented fields are copied, so the stored state never carries whatever else a message held.
const READERS: { [K in PitchlyStateKey]: Reader<K> } = {
  workspace: (d) => (isId(d.workspaceId) ? { workspaceId: d.workspaceId } : undefined),
  person: (d) => (isId(d.personId) ? { personId: d.personId } : undefined),
  table: (d) => (isId(d.tableId) ? { tableId: d.tableId } : undefined),
  activeCell: (d) => (isId(d.fieldId) && isId(d.recordId) ? { fieldId: d.fieldId, recordId: d.recordId } : undefined),
  focus: (d) => (typeof d.isFocused === "boolean" ? { isFocused: d.isFocused } : undefined),
};

/** `{ type: string, data: object }`, or undefined for anything else (Pitchly's own plugins drop those too). */
export function toRawMessage(value: unknown): PitchlyRawMessage | undefined {
  if (!isRecord(value) || typeof value.type !== "string" || value.type === "" || !isRecord(value.data)) {
    return undefined;
  }
  return { type: value.type, data: value.data };
}

/** The typed form of a known, well-formed message; undefined for other types or a known type with bad data. */
export function toStateMessage(message: PitchlyRawMessage): PitchlyStateMessage | undefined {
  const type = message.type;
  if (!Object.prototype.hasOwnProperty.call(READERS, type)) return undefined;
  const data = READERS[type as PitchlyStateKey](message.data);
  return data === undefined ? undefined : ({ type, data: Object.freeze(data) } as PitchlyStateMessage);
}
