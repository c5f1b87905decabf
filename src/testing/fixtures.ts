// The data each organization starts with: the same deals and contacts, shaped per generation, written per org.
import { stableId } from "./ids";

export interface FieldDef {
  id: string;
  name: string;
  type: string;
  primary: boolean;
}

export interface RowData {
  id: string;
  /** field id → value (`{ val }` on the wire). */
  cells: Map<string, unknown>;
}

export interface TableData {
  id: string;
  name: string;
  fields: FieldDef[];
  rows: RowData[];
}

export interface OrgData {
  /** v2 databases and the platform's tables hold the same seed, under each generation's ids. */
  databases: TableData[];
  workspace: { id: string; name: string; tables: TableData[] };
}

const SEED: Array<{ name: string; fields: Array<[string, string]>; rows: unknown[][] }> = [
  {
    name: "Deals",
    fields: [
      ["Company", "string"],
      ["Stage", "string"],
      ["Amount", "number"],
      ["Logo", "attachment"],
    ],
    rows: [
      ["Acme", "Won", 120000, null],
      ["Globex", "Negotiation", 85000, null],
      ["Initech", "Lost", 40000, null],
      ["Umbrella", "Qualified", 230000, null],
    ],
  },
  {
    name: "Contacts",
    fields: [
      ["Name", "string"],
      ["Company", "string"],
      ["Email", "string"],
    ],
    rows: [
      ["Grace Hopper", "Acme", "grace@acme.example"],
      ["Alan Turing", "Globex", "alan@globex.example"],
    ],
  },
];

function seedTables(orgId: string, ids: { table: string; field: string; row: string }): TableData[] {
  return SEED.map((table) => {
    const fields = table.fields.map(([name, type], i) => ({
      id: stableId(ids.field, `${orgId}/${table.name}/${name}`),
      name,
      type,
      primary: i === 0,
    }));
    const rows = table.rows.map((values, r) => ({
      id: stableId(ids.row, `${orgId}/${table.name}/${r}`),
      cells: new Map(fields.map((field, i) => [field.id, values[i] ?? null] as const)),
    }));
    return { id: stableId(ids.table, `${orgId}/${table.name}`), name: table.name, fields, rows };
  });
}

export class DataStore {
  private readonly orgs = new Map<string, OrgData>();

  /** Created on first use, so writes in one test organization never show in another. */
  of(orgId: string): OrgData {
    let data = this.orgs.get(orgId);
    if (!data) {
      data = {
        // v2 ids are bare 17-character Meteor ids; the platform prefixes them (wks, tbl, fld, rec).
        databases: seedTables(orgId, { table: "", field: "", row: "" }),
        workspace: {
          id: stableId("wks", `${orgId}/workspace`),
          name: "Sales",
          tables: seedTables(orgId, { table: "tbl", field: "fld", row: "rec" }),
        },
      };
      this.orgs.set(orgId, data);
    }
    return data;
  }
}

/** Values are `{ val }` objects on both generations' wire formats. */
export function cellsFromInput(
  fields: FieldDef[],
  cols: Array<{ fieldId: string; value?: { val?: unknown } | null }>,
): Map<string, unknown> | string {
  const cells = new Map<string, unknown>();
  for (const col of cols) {
    if (!fields.some((f) => f.id === col.fieldId)) return `unknown field ${col.fieldId}`;
    cells.set(col.fieldId, col.value?.val ?? null);
  }
  return cells;
}
