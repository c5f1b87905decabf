// POST /graphql: token from Bearer header or the accessToken variable, then parse, validate and execute.
import type { IncomingMessage, ServerResponse } from "node:http";
import { execute, validate, type GraphQLErrorShape } from "./graphql-execute";
import { schema } from "./graphql-schema";
import { BodyTooLargeError, readBody, sendJson } from "./http-util";
import { GraphQLSyntaxError, parse, type OperationNode } from "./mini-graphql";
import type { Context } from "./state";

interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
}

const TOKEN_INVALID = { errors: [{ message: "token-invalid", extensions: { code: "token-invalid" } }] };

const failure = (message: string, code: string, extra: Partial<GraphQLErrorShape> = {}): { errors: GraphQLErrorShape[] } => ({
  errors: [{ message, ...extra, extensions: { code } }],
});

function readRequest(text: string): GraphQLRequest | string {
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

/** v2 sends the token as a variable, the platform as a Bearer header; either works, but two different ones do not. */
function presentedToken(req: IncomingMessage, variables: Record<string, unknown>): string | undefined {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
  const variable = typeof variables.accessToken === "string" ? variables.accessToken : undefined;
  if (header && variable && header !== variable) return undefined;
  return header ?? variable;
}

function pickOperation(operations: OperationNode[], name: string | undefined): OperationNode | string {
  if (name) return operations.find((op) => op.name === name) ?? `Unknown operation named "${name}".`;
  const [only] = operations;
  if (operations.length !== 1 || !only) return "Must provide operation name if query contains multiple operations.";
  return only;
}

// Benchmarks repeat a handful of queries thousands of times; the ASTs are never mutated, so they can be shared.
const PARSED = new Map<string, OperationNode[] | GraphQLSyntaxError>();
const PARSED_MAX = 500;

function parseCached(query: string): OperationNode[] | GraphQLSyntaxError {
  let parsed = PARSED.get(query);
  if (parsed) return parsed;
  try {
    parsed = parse(query);
  } catch (err) {
    if (!(err instanceof GraphQLSyntaxError)) throw err;
    parsed = err;
  }
  if (PARSED.size >= PARSED_MAX) PARSED.clear();
  PARSED.set(query, parsed);
  return parsed;
}

export async function handleGraphql(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.registry.stats.graphql++;
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    return sendJson(res, 413, failure(err.message, "PAYLOAD_TOO_LARGE"));
  }
  const fault = await ctx.faults.apply(ctx.faults.take("graphql"), res);
  if (fault.handled) return;

  const request = readRequest(text);
  if (typeof request === "string") return sendJson(res, 400, failure(request, "BAD_REQUEST"));
  const operations = parseCached(request.query);
  if (operations instanceof GraphQLSyntaxError) {
    return sendJson(res, 200, failure(operations.message, "GRAPHQL_PARSE_FAILED", { locations: [operations.loc] }));
  }
  const operation = pickOperation(operations, request.operationName);
  if (typeof operation === "string") return sendJson(res, 200, failure(operation, "GRAPHQL_VALIDATION_FAILED"));
  const errors = validate(schema, operation);
  if (errors.length > 0) return sendJson(res, 200, { errors });

  const token = presentedToken(req, request.variables);
  const record = token === undefined ? undefined : ctx.registry.findAccess(token);
  const user = record && ctx.registry.users.get(record.userId);
  if (!record || !user) return sendJson(res, 200, TOKEN_INVALID);
  sendJson(res, 200, execute(schema, operation, request.variables, { user, token: record }));
}
