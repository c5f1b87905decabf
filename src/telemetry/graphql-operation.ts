// The operation type and name of a GraphQL document, read cheaply: spans carry these, never the query text.

export interface GraphQLOperation {
  type: "query" | "mutation" | "subscription";
  name?: string;
}

// Comments and strings could hide a fake `query Foo`; only the first definition's head is read.
const HEAD = /^(query|mutation|subscription)\b\s*([_A-Za-z][_0-9A-Za-z]*)?/;
const MAX_SCAN = 4096;

/** `{ … }` shorthand is an anonymous query; anything unreadable gives undefined (the span just says "GraphQL"). */
export function graphqlOperation(query: string): GraphQLOperation | undefined {
  const text = stripIgnored(query.slice(0, MAX_SCAN));
  if (text.startsWith("{")) return { type: "query" };
  const match = HEAD.exec(text);
  if (!match) return undefined;
  const type = match[1] as GraphQLOperation["type"];
  return match[2] ? { type, name: match[2] } : { type };
}

/** Drops leading whitespace, commas, BOMs and `#` comments (GraphQL's ignored tokens). */
function stripIgnored(text: string): string {
  let rest = text;
  for (;;) {
    const trimmed = rest.replace(/^[\s,\uFEFF]+/, "");
    if (!trimmed.startsWith("#")) return trimmed;
    const newline = trimmed.search(/[\r\n]/);
    if (newline < 0) return "";
    rest = trimmed.slice(newline);
  }
}
