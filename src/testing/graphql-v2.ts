// Pitchly v2's GraphQL (developers.pitchly.com): the token as the accessToken / secretKey argument of each root field,
// errors as GQLError objects. Arguments of database, data and dataCount, and all pagination, are invented here.
import { buildSchema, GraphQLError } from "graphql";
import { cellsFromInput, type RowData, type TableData } from "./fixtures";
import { randomId } from "./ids";
import { can, principalOfToken, type Principal } from "./principal";
import type { Context } from "./state";

export const v2Schema = buildSchema(`
  scalar JSON
  type Query {
    databases(accessToken: String, secretKey: String, organizationId: ID!, docDbOnly: Boolean): [Database!]!
    database(accessToken: String, secretKey: String, id: ID!): Database
    "filter: { fieldId: value } equality (invented); skip/limit: invented pagination"
    data(accessToken: String, secretKey: String, databaseId: ID!, filter: JSON, skip: Int, limit: Int): [Row!]!
    dataCount(accessToken: String, secretKey: String, databaseId: ID!, filter: JSON): Int!
  }
  type Mutation {
    insertRow(accessToken: String, secretKey: String, databaseId: ID!, row: RowInput!): Row!
    updateRow(accessToken: String, secretKey: String, databaseId: ID!, rowId: ID!, row: RowInput!): Row!
    upsertRow(accessToken: String, secretKey: String, databaseId: ID!, matchFields: [ID!]!, row: RowInput!): Row!
    deleteRow(accessToken: String, secretKey: String, databaseId: ID!, rowId: ID!): Boolean!
  }
  type Database { _id: ID! name: String! fields: [Field!]! filters: [Filter!]! templates: [Template!]! }
  type Field { _id: ID! name: String! type: String! primary: Boolean required: Boolean restrict: JSON database: ID }
  type Filter { _id: ID! name: String! filter: JSON }
  type Template { path: String! name: String! }
  type Row { _id: ID! cols: [Col!]! }
  type Col { fieldId: ID! value: Value }
  type Value { val: JSON }
  input RowInput { cols: [ColInput!]! }
  input ColInput { fieldId: ID! value: ValueInput }
  input ValueInput { val: JSON }
`);

/** Carries v2's error code (`data.error`) to the formatter. */
export class V2Error extends Error {
  constructor(
    readonly code: "token-invalid" | "not-authorized" | "not-found",
    readonly reason: string,
  ) {
    super("An error has occurred");
  }
}

const NO_PERMISSION = "This app does not have permission to perform this action.";

type Auth = { accessToken?: string | null; secretKey?: string | null };

function principal(ctx: Context, args: Auth): Principal {
  if (args.secretKey) {
    // The App's own key acts as the app inside the organization that owns it (invented: the seed calls it a secret key).
    const client = [...ctx.directory.clients.values()].find(
      (c) => c.clientSecret !== undefined && c.clientSecret === args.secretKey,
    );
    if (!client) throw new V2Error("not-authorized", "The secret key is not valid.");
    return {
      clientId: client.clientId,
      organizationId: ctx.directory.ownerOrganization(client),
      permissions: ctx.directory.permissionsOf(client, "v2"),
    };
  }
  if (!args.accessToken) throw new V2Error("not-authorized", "An accessToken or secretKey argument is required.");
  const found = principalOfToken(ctx, args.accessToken, "v2");
  if (!found) throw new V2Error("token-invalid", "The access token is invalid or has expired.");
  return found;
}

function databaseOf(ctx: Context, who: Principal, id: string): TableData {
  const db = ctx.data.of(who.organizationId).databases.find((d) => d.id === id);
  if (!db) throw new V2Error("not-found", `No database ${id} in this organization.`);
  return db;
}

export const asDatabase = (db: TableData) => ({
  _id: db.id,
  name: db.name,
  fields: db.fields.map((f) => ({
    _id: f.id,
    name: f.name,
    type: f.type,
    primary: f.primary,
    required: null,
    restrict: null,
    database: null,
  })),
  filters: [],
  templates: [],
});
export const asRow = (row: RowData) => ({
  _id: row.id,
  cols: [...row.cells].map(([fieldId, val]) => ({ fieldId, value: { val } })),
});

function matching(db: TableData, filter: unknown): RowData[] {
  if (!filter || typeof filter !== "object") return db.rows;
  const wanted = Object.entries(filter as Record<string, unknown>);
  return db.rows.filter((row) => wanted.every(([fieldId, val]) => row.cells.get(fieldId) === val));
}

type RowArgs = Auth & { databaseId: string; row: { cols: Array<{ fieldId: string; value?: { val?: unknown } | null }> } };

function writable(ctx: Context, args: RowArgs, ...needed: string[]): { db: TableData; cells: Map<string, unknown> } {
  const who = principal(ctx, args);
  if (!can(who, ...needed)) throw new V2Error("not-authorized", NO_PERMISSION);
  const db = databaseOf(ctx, who, args.databaseId);
  const cells = cellsFromInput(db.fields, args.row.cols);
  if (typeof cells === "string") throw new GraphQLError(cells);
  return { db, cells };
}

function rowOf(db: TableData, rowId: string): RowData {
  const row = db.rows.find((r) => r.id === rowId);
  if (!row) throw new V2Error("not-found", `No row ${rowId} in this database.`);
  return row;
}

export const v2Root = {
  databases: (args: Auth & { organizationId: string }, ctx: Context) => {
    const who = principal(ctx, args);
    if (args.organizationId !== who.organizationId) throw new V2Error("not-authorized", NO_PERMISSION);
    return ctx.data.of(who.organizationId).databases.map(asDatabase);
  },
  database: (args: Auth & { id: string }, ctx: Context) => asDatabase(databaseOf(ctx, principal(ctx, args), args.id)),
  data: (args: Auth & { databaseId: string; filter?: unknown; skip?: number | null; limit?: number | null }, ctx: Context) => {
    const rows = matching(databaseOf(ctx, principal(ctx, args), args.databaseId), args.filter);
    const skip = Math.max(0, args.skip ?? 0);
    return rows.slice(skip, args.limit == null ? undefined : skip + Math.max(0, args.limit)).map(asRow);
  },
  dataCount: (args: Auth & { databaseId: string; filter?: unknown }, ctx: Context) =>
    matching(databaseOf(ctx, principal(ctx, args), args.databaseId), args.filter).length,
  insertRow: (args: RowArgs, ctx: Context) => {
    const { db, cells } = writable(ctx, args, "insertData");
    const row = { id: randomId(""), cells: new Map(db.fields.map((f) => [f.id, cells.get(f.id) ?? null] as const)) };
    db.rows.push(row);
    ctx.changes.publish(db.id, "insert", [row.id]);
    return asRow(row);
  },
  updateRow: (args: RowArgs & { rowId: string }, ctx: Context) => {
    const { db, cells } = writable(ctx, args, "updateData");
    const row = rowOf(db, args.rowId);
    for (const [k, v] of cells) row.cells.set(k, v);
    ctx.changes.publish(db.id, "update", [row.id]);
    return asRow(row);
  },
  upsertRow: (args: RowArgs & { matchFields: string[] }, ctx: Context) => {
    const { db, cells } = writable(ctx, args, "insertData", "updateData");
    const existing = db.rows.find((r) => args.matchFields.every((f) => r.cells.get(f) === cells.get(f)));
    if (!existing) return v2Root.insertRow(args, ctx);
    for (const [k, v] of cells) existing.cells.set(k, v);
    ctx.changes.publish(db.id, "update", [existing.id]);
    return asRow(existing);
  },
  deleteRow: (args: Auth & { databaseId: string; rowId: string }, ctx: Context) => {
    const who = principal(ctx, args);
    if (!can(who, "deleteData")) throw new V2Error("not-authorized", NO_PERMISSION);
    const db = databaseOf(ctx, who, args.databaseId);
    db.rows.splice(db.rows.indexOf(rowOf(db, args.rowId)), 1);
    ctx.changes.publish(db.id, "delete", [args.rowId]);
    return true;
  },
};

/** v2's documented error object: a fixed message, the code in data.error, and `data: null` for the whole answer. */
export function v2ErrorBody(error: V2Error): Record<string, unknown> {
  return {
    errors: [
      {
        message: error.message,
        name: "GQLError",
        time_thrown: new Date().toISOString(),
        data: { error: error.code, reason: error.reason },
      },
    ],
    data: null,
  };
}
