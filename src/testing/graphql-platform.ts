// The platform's GraphQL (developer.pitchly.com, Pitchly's own packages): Bearer only, HTTP 200 always,
// UNAUTHENTICATED for a bad token. Names not documented (Organization.name, workspaces, recordsConnection's
// arguments and pagination, Field.name, tierSettings' content) are invented here.
import { buildSchema, GraphQLError } from "graphql";
import { cellsFromInput, type RowData, type TableData } from "./fixtures";
import { can, type Principal } from "./principal";
import type { Context } from "./state";

export const platformSchema = buildSchema(`
  scalar JSON
  type Query {
    organization: Organization!
    "null when the caller is the app itself (app token, org JWT)"
    viewer: Viewer
    workspace(id: ID!): Workspace
    table(id: ID!): Table
    recordsConnection(tableId: ID!, first: Int, after: String): RecordsConnection!
  }
  type Mutation { updateRecords(tableId: ID!, records: [UpdateRecordInput!]!): [Record!]! }
  type Organization { id: ID! name: String! workspaces: [Workspace!]! }
  type Viewer { person: Person! tier: String! tierSettings: JSON }
  type Person { id: ID! name: String! email: String! image: String }
  type Workspace { id: ID! name: String! tables: [Table!]! }
  type Table { id: ID! name: String! fields: [Field!]! }
  type Field { id: ID! name: String! type: String! }
  type RecordsConnection { edges: [RecordEdge!]! pageInfo: PageInfo! totalCount: Int! }
  type RecordEdge { cursor: String! node: Record! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type Record { id: ID! values: [RecordValue!]! }
  "fieldId is workspace id | field id, as Pitchly writes it"
  type RecordValue { fieldId: ID! value: Value stringValue: String }
  type Value { val: JSON }
  input UpdateRecordInput { id: ID! fields: [FieldValueInput!]! }
  input FieldValueInput { fieldId: ID! value: ValueInput }
  input ValueInput { val: JSON }
`);

export interface PlatformContext {
  ctx: Context;
  who: Principal;
}

const forbidden = (): GraphQLError =>
  new GraphQLError("This app does not have permission to perform this action.", { extensions: { code: "FORBIDDEN" } });

function tableOf({ ctx, who }: PlatformContext, id: string): TableData | undefined {
  return ctx.data.of(who.organizationId).workspace.tables.find((t) => t.id === id);
}

export function asRecord(workspaceId: string, row: RowData) {
  const values = [...row.cells].map(([fieldId, val]) => ({
    fieldId: `${workspaceId}|${fieldId}`,
    value: { val },
    stringValue:
      val === null || val === undefined
        ? null
        : typeof val === "object"
          ? JSON.stringify(val)
          : String(val as string | number | boolean),
  }));
  return { id: row.id, values };
}

const asTable = (table: TableData) => ({
  id: table.id,
  name: table.name,
  fields: table.fields.map(({ id, name, type }) => ({ id, name, type })),
});

export const platformRoot = {
  organization: (_args: unknown, pc: PlatformContext) => {
    const org = pc.ctx.directory.organizations.get(pc.who.organizationId);
    const workspace = pc.ctx.data.of(pc.who.organizationId).workspace;
    return {
      id: pc.who.organizationId,
      name: org?.name ?? "",
      workspaces: [{ ...workspace, tables: workspace.tables.map(asTable) }],
    };
  },
  viewer: (_args: unknown, { ctx, who }: PlatformContext) => {
    const user = who.userId === undefined ? undefined : ctx.directory.users.get(who.userId);
    if (!user) return null;
    return {
      person: { id: user.personId, name: user.name, email: user.email, image: user.image ?? null },
      tier: user.tier,
      tierSettings: { seats: 10 },
    };
  },
  workspace: (args: { id: string }, pc: PlatformContext) => {
    const workspace = pc.ctx.data.of(pc.who.organizationId).workspace;
    return workspace.id === args.id ? { ...workspace, tables: workspace.tables.map(asTable) } : null;
  },
  table: (args: { id: string }, pc: PlatformContext) => {
    const table = tableOf(pc, args.id);
    return table ? asTable(table) : null;
  },
  recordsConnection: (args: { tableId: string; first?: number | null; after?: string | null }, pc: PlatformContext) => {
    const table = tableOf(pc, args.tableId);
    if (!table) throw new GraphQLError(`No table ${args.tableId}.`, { extensions: { code: "NOT_FOUND" } });
    const workspaceId = pc.ctx.data.of(pc.who.organizationId).workspace.id;
    // Cursors are record ids: opaque to clients, stable while rows are only appended.
    const start = args.after ? table.rows.findIndex((r) => r.id === args.after) + 1 : 0;
    const page = table.rows.slice(start, args.first == null ? undefined : start + Math.max(0, args.first));
    const last = page[page.length - 1];
    return {
      edges: page.map((row) => ({ cursor: row.id, node: asRecord(workspaceId, row) })),
      pageInfo: { hasNextPage: start + page.length < table.rows.length, endCursor: last?.id ?? null },
      totalCount: table.rows.length,
    };
  },
  updateRecords: (
    args: {
      tableId: string;
      records: Array<{ id: string; fields: Array<{ fieldId: string; value?: { val?: unknown } | null }> }>;
    },
    pc: PlatformContext,
  ) => {
    if (!can(pc.who, "records:update")) throw forbidden();
    const table = tableOf(pc, args.tableId);
    if (!table) throw new GraphQLError(`No table ${args.tableId}.`, { extensions: { code: "NOT_FOUND" } });
    const workspaceId = pc.ctx.data.of(pc.who.organizationId).workspace.id;
    const updated = args.records.map((input) => {
      const row = table.rows.find((r) => r.id === input.id);
      if (!row) throw new GraphQLError(`No record ${input.id}.`, { extensions: { code: "NOT_FOUND" } });
      // Accept both "wks…|fld…" (as Pitchly reports values) and a bare field id.
      const cols = input.fields.map((f) => ({ ...f, fieldId: f.fieldId.split("|").pop() ?? f.fieldId }));
      const cells = cellsFromInput(table.fields, cols);
      if (typeof cells === "string") throw new GraphQLError(cells, { extensions: { code: "BAD_USER_INPUT" } });
      for (const [k, v] of cells) row.cells.set(k, v);
      return asRecord(workspaceId, row);
    });
    pc.ctx.changes.publish(
      table.id,
      "update",
      updated.map((r) => r.id),
    );
    return updated;
  },
};

export const unauthenticated = (message: string): Record<string, unknown> => ({
  errors: [{ message, extensions: { code: "UNAUTHENTICATED" } }],
  data: null,
});
