// Posts GraphQL to Pitchly with the token sent both ways, and recognises a token-invalid answer.
import { PitchlyGraphQLError, type PitchlyGraphQLErrorEntry } from "../errors";
import type { HttpClient } from "./http-client";
import { isOverloaded, noAnswer, overloaded, unavailable } from "./unavailable";
import { graphqlOperation } from "../telemetry/graphql-operation";
import { inSpan, serverAttributes, type SpanHandle } from "../telemetry/spans";

const MAX_GRAPHQL_RESPONSE_BYTES = 16 * 1024 * 1024;
const INVALID_MARKERS = new Set(["token-invalid", "UNAUTHENTICATED"]);

export type GraphQLVariables = Record<string, unknown>;

/** What a GraphQL answer looked like, for a custom `isTokenInvalid`. */
export interface GraphQLAnswer {
  status: number;
  /** v2's `GQLError` carries its code in `data.error`; the platform's in `extensions.code`. */
  errors: ReadonlyArray<{ message?: unknown; extensions?: Record<string, unknown>; data?: unknown }>;
}

export type GraphQLOutcome<T> = { ok: true; data: T } | { ok: false; tokenInvalid: true };

/** v2's `GQLError` puts its code in `data.error` (PITCHLY.md: `not-authorized` documented, `token-invalid` by that shape). */
function gqlErrorCode(data: unknown): string | undefined {
  const code = typeof data === "object" && data !== null ? (data as { error?: unknown }).error : undefined;
  return typeof code === "string" ? code : undefined;
}

/**
 * Pitchly's markers of a dead token: v2's `GQLError` `data.error`, the platform's `UNAUTHENTICATED` (at HTTP
 * 200), the marker as message or `extensions.code`, or HTTP 401.
 */
export function defaultIsTokenInvalid(answer: GraphQLAnswer): boolean {
  if (answer.status === 401) return true;
  return answer.errors.some(
    (e) =>
      INVALID_MARKERS.has(String(e.message)) ||
      INVALID_MARKERS.has(String(e.extensions?.code)) ||
      gqlErrorCode(e.data) === "token-invalid",
  );
}

/** Pitchly may quote the token back in an error; the app's error page and logs must not. */
function withoutToken(errors: PitchlyGraphQLErrorEntry[], accessToken: string): PitchlyGraphQLErrorEntry[] {
  const serialised = JSON.stringify(errors);
  const needle = JSON.stringify(accessToken).slice(1, -1);
  if (!serialised.includes(needle)) return errors;
  return JSON.parse(serialised.split(needle).join("[redacted]")) as PitchlyGraphQLErrorEntry[];
}

export class GraphQLClient {
  constructor(
    private readonly http: HttpClient,
    private readonly url: string,
    private readonly isTokenInvalid: (answer: GraphQLAnswer) => boolean = defaultIsTokenInvalid,
  ) {}

  /** One span per call, named and labelled by the operation only: never the query text or its variables. */
  post<T>(accessToken: string, query: string, variables: GraphQLVariables = {}): Promise<GraphQLOutcome<T>> {
    const operation = graphqlOperation(query);
    const name = operation ? [operation.type, operation.name].filter(Boolean).join(" ") : "GraphQL Operation";
    const attributes = {
      ...serverAttributes(this.url),
      "graphql.operation.type": operation?.type,
      "graphql.operation.name": operation?.name,
    };
    return inSpan(name, attributes, (span) => this.send<T>(accessToken, query, variables, span));
  }

  private async send<T>(
    accessToken: string,
    query: string,
    variables: GraphQLVariables,
    span: SpanHandle,
  ): Promise<GraphQLOutcome<T>> {
    // v2 reads `accessToken` from the variables; the platform reads the Bearer header.
    const body = JSON.stringify({ query, variables: { ...variables, accessToken } });
    const headers = {
      "content-type": "application/json",
      accept: "application/json",
      authorization: `Bearer ${accessToken}`,
    };
    let answer;
    try {
      answer = await this.http.post(this.url, headers, body, MAX_GRAPHQL_RESPONSE_BYTES);
    } catch (err) {
      throw noAnswer("Pitchly's GraphQL endpoint", err);
    }
    span.setAttribute("http.response.status_code", answer.status);
    if (isOverloaded(answer.status)) throw overloaded("Pitchly's GraphQL endpoint", answer.status, answer.retryAfter);
    let json: { data?: unknown; errors?: unknown } | undefined;
    try {
      const parsed: unknown = JSON.parse(answer.body);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) json = parsed;
    } catch {
      // handled below
    }
    const errors = Array.isArray(json?.errors) ? (json.errors as PitchlyGraphQLErrorEntry[]) : [];
    if (this.isTokenInvalid({ status: answer.status, errors })) return { ok: false, tokenInvalid: true };
    if (json === undefined) {
      throw unavailable(`Pitchly's GraphQL answer was not JSON (HTTP ${answer.status})`);
    }
    if (errors.length > 0) throw new PitchlyGraphQLError(withoutToken(errors, accessToken), json.data);
    if (answer.status !== 200) {
      throw new PitchlyGraphQLError([{ message: `HTTP ${answer.status} without errors` }], json.data);
    }
    return { ok: true, data: json.data as T };
  }
}
