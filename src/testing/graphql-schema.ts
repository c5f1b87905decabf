// The local Pitchly's GraphQL schema (viewer, organization, tables, tokenInfo) and its fixed data set.
import type { FieldDef, Schema } from "./graphql-execute";
import type { AccessTokenRecord } from "./state";
import type { MockUser } from "./types";

export interface ResolverContext {
  user: MockUser;
  token: AccessTokenRecord;
}

type Fields = Record<string, FieldDef<ResolverContext>>;

const ORGANIZATION = { id: "org-1", name: "Pitchly Demo Co" };

const TABLES = [
  {
    id: "table-deals",
    name: "Deals",
    rows: [
      { id: "deal-1", cells: { Company: "Acme", Stage: "Won", Amount: 120000 } },
      { id: "deal-2", cells: { Company: "Globex", Stage: "Negotiation", Amount: 85000 } },
      { id: "deal-3", cells: { Company: "Initech", Stage: "Lost", Amount: 40000 } },
      { id: "deal-4", cells: { Company: "Umbrella", Stage: "Qualified", Amount: 230000 } },
    ],
  },
  {
    id: "table-contacts",
    name: "Contacts",
    rows: [
      { id: "contact-1", cells: { Name: "Grace Hopper", Company: "Acme", Email: "grace@acme.example" } },
      { id: "contact-2", cells: { Name: "Alan Turing", Company: "Globex", Email: "alan@globex.example" } },
    ],
  },
];

// The platform generation nests the same identity under viewer.person.
const USER_FIELDS: Fields = {
  id: { type: "ID!" },
  name: { type: "String!" },
  email: { type: "String!" },
  image: { type: "String" },
};

export const schema: Schema<ResolverContext> = {
  queryType: "Query",
  types: {
    Query: {
      viewer: { type: "Viewer!", resolve: (_parent, _args, ctx) => ctx.user },
      organization: { type: "Organization!", resolve: () => ORGANIZATION },
      tables: { type: "[Table!]!", resolve: () => TABLES },
      table: { type: "Table", args: { id: "ID!" }, resolve: (_parent, args) => TABLES.find((t) => t.id === args.id) ?? null },
      tokenInfo: {
        type: "TokenInfo!",
        resolve: (_parent, _args, ctx) => ({
          expiresAt: ctx.token.expiresAt,
          scope: ctx.token.scope ?? null,
          clientId: ctx.token.clientId,
        }),
      },
    },
    Viewer: { ...USER_FIELDS, person: { type: "Person!", resolve: (parent) => parent } },
    Person: USER_FIELDS,
    Organization: { id: { type: "ID!" }, name: { type: "String!" } },
    Table: { id: { type: "ID!" }, name: { type: "String!" }, rows: { type: "[Row!]!" } },
    Row: { id: { type: "ID!" }, cells: { type: "JSON!" } },
    // expiresAt is ms since the epoch, the same unit as a token set's expiresAt.
    TokenInfo: { expiresAt: { type: "Float!" }, scope: { type: "String" }, clientId: { type: "ID!" } },
  },
};
