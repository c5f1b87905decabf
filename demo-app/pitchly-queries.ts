// The GraphQL the demo sends as the signed-in user: who they are, and a small table of their organization's data.
import { PitchlyGraphQLError, type PitchlyRequestContext } from "express-pitchly";
import type { Platform } from "./config";

export interface Identity {
  name: string;
  email: string;
}

export interface DataTable {
  organization: string;
  name: string;
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

// v2 puts the user on viewer; the platform generation nests it under viewer.person.
const IDENTITY_QUERY: Record<Platform, string> = {
  v2: "query Identity { viewer { id name email } }",
  platform: "query Identity { viewer { person { id name email } } }",
};

const TABLES_QUERY = "query Tables { organization { name } tables { name rows { id cells } } }";

type IdentityAnswer = { viewer: Identity & { person?: Identity } };
type TablesAnswer = { organization: { name: string }; tables: Array<{ name: string; rows: Array<{ cells: Record<string, unknown> }> }> };

export async function loadIdentity(pitchly: PitchlyRequestContext, platform: Platform): Promise<Identity> {
  const { viewer } = await pitchly.graphql<IdentityAnswer>(IDENTITY_QUERY[platform]);
  const person = viewer.person ?? viewer;
  return { name: String(person.name ?? ""), email: String(person.email ?? "") };
}

/** The first table (at most 5 rows); a Pitchly without this demo's schema gives a note instead of an error page. */
export async function loadTable(pitchly: PitchlyRequestContext): Promise<DataTable | { unavailable: string }> {
  try {
    const answer = await pitchly.graphql<TablesAnswer>(TABLES_QUERY);
    const table = answer.tables[0];
    if (!table) return { unavailable: "Your organization has no tables yet." };
    const rows = table.rows.slice(0, 5).map((row) => row.cells);
    const columns = [...new Set(rows.flatMap((cells) => Object.keys(cells)))];
    return { organization: answer.organization.name, name: table.name, columns, rows };
  } catch (err) {
    if (err instanceof PitchlyGraphQLError) return { unavailable: `Pitchly did not answer the table query: ${err.errors[0]?.message ?? "unknown error"}` };
    throw err;
  }
}
