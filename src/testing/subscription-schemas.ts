// Each generation's schema extended with its Subscription type, and the resolvers that turn the change feed into events.
// v2's field names and arguments are Pitchly's (dataRowsChanged, databaseUpdated); their result types, and the
// platform's whole recordsChanged subscription, are invented here (Pitchly documents neither).
import { extendSchema, GraphQLError, parse } from "graphql";
import type { ChangeEvent } from "./change-feed";
import { asDatabase, asRow, v2Schema } from "./graphql-v2";
import { asRecord, platformSchema } from "./graphql-platform";
import type { TableData } from "./fixtures";
import type { Principal } from "./principal";
import type { Context } from "./state";

export const v2SubscriptionSchema = extendSchema(
  v2Schema,
  parse(`
    extend schema { subscription: Subscription }
    type Subscription {
      dataRowsChanged(accessToken: String, databaseId: ID!): DataRowsChange!
      databaseUpdated(accessToken: String, id: ID!): Database!
    }
    "rows: the changed rows as they are now (empty for a delete)"
    type DataRowsChange { databaseId: ID! kind: String! rowIds: [ID!]! rows: [Row!]! sequence: Int! }
  `),
);

export const platformSubscriptionSchema = extendSchema(
  platformSchema,
  parse(`
    extend schema { subscription: Subscription }
    type Subscription { recordsChanged(tableId: ID!): RecordsChange! }
    type RecordsChange { tableId: ID! kind: String! recordIds: [ID!]! records: [Record!]! sequence: Int! }
  `),
);

/** What a subscription resolver needs from the socket it runs on. */
export interface SocketContext {
  ctx: Context;
  /** Platform: the principal of the Bearer token sent at connection_init; v2: none (each field carries its token). */
  who?: Principal;
  /** v2: checks a field's accessToken, remembers it for expiry, and closes the socket with 4403 when it is bad. */
  authorize(accessToken: string | null | undefined): Principal;
  /** False once the socket's token has expired: the socket is already being closed with 4403. */
  stillValid(): boolean;
}

const notFound = (what: string) => new GraphQLError(`No ${what}.`, { extensions: { code: "NOT_FOUND" } });

function tableIn(tables: TableData[], id: string, what: string): TableData {
  const table = tables.find((t) => t.id === id);
  if (!table) throw notFound(`${what} ${id}`);
  return table;
}

const changed = (table: TableData, event: ChangeEvent) => table.rows.filter((row) => event.rowIds.includes(row.id));

export const v2SubscriptionRoot = {
  dataRowsChanged: (args: { accessToken?: string | null; databaseId: string }, sc: SocketContext) => {
    const who = sc.authorize(args.accessToken);
    const db = tableIn(sc.ctx.data.of(who.organizationId).databases, args.databaseId, "database");
    return sc.ctx.changes.listen(
      db.id,
      (event) => event.kind !== "database" && sc.stillValid(),
      (event) => ({
        dataRowsChanged: {
          databaseId: db.id,
          kind: event.kind,
          rowIds: event.rowIds,
          rows: changed(db, event).map(asRow),
          sequence: event.sequence,
        },
      }),
    );
  },
  databaseUpdated: (args: { accessToken?: string | null; id: string }, sc: SocketContext) => {
    const who = sc.authorize(args.accessToken);
    const db = tableIn(sc.ctx.data.of(who.organizationId).databases, args.id, "database");
    return sc.ctx.changes.listen(
      db.id,
      () => sc.stillValid(),
      () => ({ databaseUpdated: asDatabase(db) }),
    );
  },
};

export const platformSubscriptionRoot = {
  recordsChanged: (args: { tableId: string }, sc: SocketContext) => {
    const who = sc.who;
    if (!who) throw new GraphQLError("Not authenticated.", { extensions: { code: "UNAUTHENTICATED" } });
    const workspace = sc.ctx.data.of(who.organizationId).workspace;
    const table = tableIn(workspace.tables, args.tableId, "table");
    return sc.ctx.changes.listen(
      table.id,
      (event) => event.kind !== "database" && sc.stillValid(),
      (event) => ({
        recordsChanged: {
          tableId: table.id,
          kind: event.kind,
          recordIds: event.rowIds,
          records: changed(table, event).map((row) => asRecord(workspace.id, row)),
          sequence: event.sequence,
        },
      }),
    );
  },
};
