// The GraphQL the demo sends as the signed-in user: who they are, and a small table of their organization's data.
import { PitchlyGraphQLError, type PitchlyRequestContext } from "express-pitchly";
import type { Platform } from "./config";

export interface Identity {
  /** The Pitchly person id (psn…) on the platform; "" on v2. */
  id: string;
  name: string;
  email: string;
}

export interface DataTable {
  organization: string;
  name: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

// Pitchly's own identity query (platform). v2 documents none: the demo then shows no name.
const IDENTITY_QUERY = "query Identity { viewer { person { id name email } } }";

const TABLES_QUERY = "query Tables { organization { name workspaces { tables { id name fields { id name } } } } }";
const RECORDS_QUERY =
  "query Records($t: ID!) { recordsConnection(tableId: $t, first: 5) { edges { node { values { fieldId value { val } } } } } }";

type IdentityAnswer = { viewer: { person: Identity } | null };
type TableAnswer = { table: { name: string; fields: Array<{ id: string; name: string }> } | null };
type TablesAnswer = {
  organization: {
    name: string;
    workspaces: Array<{ tables: Array<{ id: string; name: string; fields: Array<{ id: string; name: string }> }> }>;
  };
};
type RecordsAnswer = {
  recordsConnection: { edges: Array<{ node: { values: Array<{ fieldId: string; value: { val: unknown } | null }> } }> };
};

export async function loadIdentity(pitchly: PitchlyRequestContext, platform: Platform): Promise<Identity> {
  if (platform === "v2") return { id: "", name: "", email: "" };
  const { viewer } = await pitchly.graphql<IdentityAnswer>(IDENTITY_QUERY);
  return {
    id: String(viewer?.person.id ?? ""),
    name: String(viewer?.person.name ?? ""),
    email: String(viewer?.person.email ?? ""),
  };
}

/** The first table (at most 5 rows); a Pitchly without this demo's schema gives a note instead of an error page. */
export async function loadTable(pitchly: PitchlyRequestContext): Promise<DataTable | { unavailable: string }> {
  try {
    const answer = await pitchly.graphql<TablesAnswer>(TABLES_QUERY);
    const table = answer.organization.workspaces[0]?.tables[0];
    if (!table) return { unavailable: "Your organization has no tables yet." };
    const records = await pitchly.graphql<RecordsAnswer>(RECORDS_QUERY, { t: table.id });
    // Values name their field as "workspace|field".
    const nameOf = new Map(table.fields.map((f) => [f.id, f.name] as const));
    const rows = records.recordsConnection.edges.map(({ node }) =>
      Object.fromEntries(
        node.values.map((v) => [nameOf.get(v.fieldId.split("|").pop() ?? "") ?? v.fieldId, v.value?.val ?? null]),
      ),
    );
    const columns = table.fields.map((f) => f.name);
    return { organization: answer.organization.name, name: table.name, columns, rows };
  } catch (err) {
    if (err instanceof PitchlyGraphQLError)
      return { unavailable: `Pitchly did not answer the table query: ${err.errors[0]?.message ?? "unknown error"}` };
    throw err;
  }
}

export interface RecordView {
  table: string;
  recordId: string;
  values: Array<{ field: string; value: unknown }>;
}

const TABLE_QUERY = "query Table($t: ID!) { table(id: $t) { name fields { id name } } }";
const ALL_RECORDS_QUERY =
  "query Records($t: ID!) { recordsConnection(tableId: $t, first: 100) { edges { node { id values { fieldId value { val } } } } } }";
type AllRecordsAnswer = {
  recordsConnection: {
    edges: Array<{ node: { id: string; values: Array<{ fieldId: string; value: { val: unknown } | null }> } }>;
  };
};

/** The record Pitchly's plugin messages point at, read as the signed-in user: the ids are input, not permission. */
export async function loadRecord(
  pitchly: PitchlyRequestContext,
  tableId: string,
  recordId: string,
): Promise<RecordView | undefined> {
  const { table } = await pitchly.graphql<TableAnswer>(TABLE_QUERY, { t: tableId });
  if (!table) return undefined;
  const records = await pitchly.graphql<AllRecordsAnswer>(ALL_RECORDS_QUERY, { t: tableId });
  const node = records.recordsConnection.edges.find((edge) => edge.node.id === recordId)?.node;
  if (!node) return undefined;
  const valueOf = new Map(node.values.map((v) => [v.fieldId.split("|").pop() ?? v.fieldId, v.value?.val ?? null] as const));
  return { table: table.name, recordId, values: table.fields.map((f) => ({ field: f.name, value: valueOf.get(f.id) ?? null })) };
}
