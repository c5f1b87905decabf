// Tokenizer for the local Pitchly's GraphQL parser (ignores whitespace, commas and # comments).

export interface Location {
  line: number;
  column: number;
}

export class GraphQLSyntaxError extends Error {
  constructor(
    description: string,
    readonly loc: Location,
  ) {
    super(`Syntax Error: ${description}`);
  }
}

export type TokenKind = "Punct" | "Name" | "Int" | "Float" | "String" | "EOF";
export interface Token {
  kind: TokenKind;
  value: string;
  start: number;
}

const PUNCT = new Set(["!", "$", "(", ")", ":", "=", "@", "[", "]", "{", "}", "|", "&"]);
const NAME_START = /[_A-Za-z]/;
const NAME_REST = /[_0-9A-Za-z]*/y;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function locate(source: string, pos: number): Location {
  const before = source.slice(0, pos).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (msg: string, at: number): never => {
    throw new GraphQLSyntaxError(msg, locate(source, at));
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (ch === "#") {
      while (i < source.length && source[i] !== "\n" && source[i] !== "\r") i++;
    } else if (/[\s,\uFEFF]/.test(ch)) i++;
    else if (source.startsWith("...", i)) {
      tokens.push({ kind: "Punct", value: "...", start: i });
      i += 3;
    } else if (PUNCT.has(ch)) tokens.push({ kind: "Punct", value: ch, start: i++ });
    else if (NAME_START.test(ch)) {
      NAME_REST.lastIndex = i + 1;
      NAME_REST.exec(source);
      tokens.push({ kind: "Name", value: source.slice(i, NAME_REST.lastIndex), start: i });
      i = NAME_REST.lastIndex;
    } else if (ch === "-" || (ch >= "0" && ch <= "9")) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(source);
      if (!m) return fail(`Invalid number, unexpected character "${ch}".`, i);
      tokens.push({ kind: m[2] || m[3] ? "Float" : "Int", value: m[0], start: i });
      i += m[0].length;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) return fail("Unterminated string.", i);
      tokens.push({ kind: "String", value: source.slice(i + 3, end).replace(/\\"""/g, '"""'), start: i });
      i = end + 3;
    } else if (ch === '"') {
      const start = i++;
      let value = "";
      for (;;) {
        const c = source[i];
        if (c === undefined || c === "\n" || c === "\r") return fail("Unterminated string.", start);
        i++;
        if (c === '"') break;
        if (c !== "\\") {
          value += c;
          continue;
        }
        const e = source[i++] ?? "";
        if (e === "u" && /^[0-9A-Fa-f]{4}$/.test(source.slice(i, i + 4))) {
          value += String.fromCharCode(parseInt(source.slice(i, i + 4), 16));
          i += 4;
        } else if (ESCAPES[e] !== undefined) value += ESCAPES[e];
        else return fail(`Invalid character escape sequence: "\\${e}".`, i - 2);
      }
      tokens.push({ kind: "String", value, start });
    } else fail(`Unexpected character: "${ch}".`, i);
  }
  tokens.push({ kind: "EOF", value: "", start: source.length });
  return tokens;
}
