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

// pitchly-queries: platform
/** A live call for "Call the API"; the profile page itself shows what Pitchly's identity query said at login. */
const IDENTITY_QUERY = "query Identity { viewer { person { id name email } } }";
const TABLES_QUERY = "query Tables { organization { name workspaces { tables { id name fields { id name } } } } }";
const ROWS_QUERY =
  "query Rows($tableId: ID!) { recordsConnection(tableId: $tableId, first: 5) { edges { node { values { fieldId value { val } } } } } }";

type IdentityAnswer = { viewer: { person: Identity } | null };
type TablesAnswer = {
  organization: {
    name: string;
    workspaces: Array<{ tables: Array<{ id: string; name: string; fields: Array<{ id: string; name: string }> }> }>;
  };
};
type RowsAnswer = {
  recordsConnection: { edges: Array<{ node: { values: Array<{ fieldId: string; value: { val: unknown } | null }> } }> };
};

/** Who signed in: the profile read at login when there is one (the platform's default), else v2's lack of one. */
export function profileIdentity(pitchly: PitchlyRequestContext): Identity {
  const profile = pitchly.profile;
  return { id: String(profile?.id ?? ""), name: String(profile?.name ?? "Pitchly user"), email: String(profile?.email ?? "") };
}

/** Calls Pitchly now (so a dead token is refreshed and retried); v2 has no identity query, so it uses the profile. */
export async function loadIdentity(pitchly: PitchlyRequestContext, platform: Platform): Promise<Identity> {
  if (platform === "v2") return profileIdentity(pitchly);
  const { viewer } = await pitchly.graphql<IdentityAnswer>(IDENTITY_QUERY);
  return viewer
    ? { id: String(viewer.person.id ?? ""), name: String(viewer.person.name ?? ""), email: String(viewer.person.email ?? "") }
    : profileIdentity(pitchly);
}

/** The first table (at most 5 rows) on the platform; a Pitchly without it gives a note instead of an error page. */
export async function loadTable(
  pitchly: PitchlyRequestContext,
  platform: Platform,
): Promise<DataTable | { unavailable: string }> {
  if (platform === "v2") return { unavailable: "The data table is shown on Pitchly's platform (PITCHLY_PLATFORM=platform)." };
  try {
    const { organization } = await pitchly.graphql<TablesAnswer>(TABLES_QUERY);
    const table = organization.workspaces[0]?.tables[0];
    if (!table) return { unavailable: "Your organization has no tables yet." };
    const names = new Map(table.fields.map((f) => [f.id, f.name]));
    const answer = await pitchly.graphql<RowsAnswer>(ROWS_QUERY, { tableId: table.id });
    // Pitchly writes each value's fieldId as "workspace id|field id".
    const rows = answer.recordsConnection.edges.map(({ node }) =>
      Object.fromEntries(
        node.values.flatMap((v) =>
          v.value?.val == null ? [] : [[names.get(v.fieldId.split("|").pop() ?? "") ?? v.fieldId, v.value.val]],
        ),
      ),
    );
    const columns = [...new Set(rows.flatMap((cells) => Object.keys(cells)))];
    return { organization: organization.name, name: table.name, columns, rows };
  } catch (err) {
    if (err instanceof PitchlyGraphQLError)
      return { unavailable: `Pitchly did not answer the table query: ${err.errors[0]?.message ?? "unknown error"}` };
    throw err;
  }
}

type TableAnswer = { table: { name: string; fields: Array<{ id: string; name: string }> } | null };

export interface RecordView {
  table: string;
  recordId: string;
  values: Array<{ field: string; value: unknown }>;
}

// pitchly-queries: platform
const TABLE_QUERY = "query Table($tableId: ID!) { table(id: $tableId) { name fields { id name } } }";
const ALL_RECORDS_QUERY =
  "query Records($tableId: ID!) { recordsConnection(tableId: $tableId, first: 100) { edges { node { id values { fieldId value { val } } } } } }";
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
  const { table } = await pitchly.graphql<TableAnswer>(TABLE_QUERY, { tableId });
  if (!table) return undefined;
  const records = await pitchly.graphql<AllRecordsAnswer>(ALL_RECORDS_QUERY, { tableId });
  const node = records.recordsConnection.edges.find((edge) => edge.node.id === recordId)?.node;
  if (!node) return undefined;
  const valueOf = new Map(node.values.map((v) => [v.fieldId.split("|").pop() ?? v.fieldId, v.value?.val ?? null] as const));
  return { table: table.name, recordId, values: table.fields.map((f) => ({ field: f.name, value: valueOf.get(f.id) ?? null })) };
}
