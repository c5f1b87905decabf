// Runs one GraphQL request on a graphql-js schema: cached parse, validation, execution (only src/testing loads graphql).
import { GraphQLError, execute, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

export function readRequest(text: string): GraphQLRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "Body must be JSON.";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "Body must be a JSON object.";
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== "string") return 'Body must have a "query" string.';
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
    return '"variables" must be an object.';
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    return '"operationName" must be a string.';
  }
  const request: GraphQLRequest = { query, variables: (variables ?? {}) as Record<string, unknown> };
  if (typeof operationName === "string") request.operationName = operationName;
  return request;
}

// Benchmarks repeat a handful of queries thousands of times; documents are immutable, so they can be shared.
const PARSED = new Map<string, DocumentNode | GraphQLError>();
const PARSED_MAX = 500;

function parseCached(query: string): DocumentNode | GraphQLError {
  let parsed = PARSED.get(query);
  if (parsed) return parsed;
  try {
    parsed = parse(query);
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    parsed = err;
  }
  if (PARSED.size >= PARSED_MAX) PARSED.clear();
  PARSED.set(query, parsed);
  return parsed;
}

/** Apollo's codes for requests that never reach a resolver: both Pitchlys run Apollo servers (I). */
const failed = (error: GraphQLError, code: string): ExecutionResult => ({
  errors: [
    new GraphQLError(error.message, {
      nodes: error.nodes ?? null,
      source: error.source ?? null,
      positions: error.positions ?? null,
      extensions: { code },
    }),
  ],
});

export type Prepared = { ok: true; document: DocumentNode } | { ok: false; result: ExecutionResult };

/** Parses and validates before any authentication, as Apollo does. */
export function prepare(schema: GraphQLSchema, request: GraphQLRequest): Prepared {
  const document = parseCached(request.query);
  if (document instanceof GraphQLError) return { ok: false, result: failed(document, "GRAPHQL_PARSE_FAILED") };
  const errors = validate(schema, document);
  if (errors.length > 0)
    return { ok: false, result: { errors: errors.map((e) => failed(e, "GRAPHQL_VALIDATION_FAILED").errors![0]!) } };
  return { ok: true, document };
}

export async function run(
  schema: GraphQLSchema,
  document: DocumentNode,
  request: GraphQLRequest,
  rootValue: unknown,
  contextValue: unknown,
): Promise<ExecutionResult> {
  return execute({
    schema,
    document,
    rootValue,
    contextValue,
    variableValues: request.variables,
    operationName: request.operationName ?? null,
  });
}
