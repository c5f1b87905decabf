// A small hand-written GraphQL parser: operations, variables, arguments, aliases and nested selections.
import { GraphQLSyntaxError, lex, locate, type Location, type Token } from "./graphql-lexer";

export { GraphQLSyntaxError };

export type ValueNode =
  | { kind: "Variable"; name: string }
  | { kind: "Int" | "Float"; value: number }
  | { kind: "String" | "Enum"; value: string }
  | { kind: "Boolean"; value: boolean }
  | { kind: "Null" }
  | { kind: "List"; values: ValueNode[] }
  | { kind: "Object"; fields: Array<{ name: string; value: ValueNode }> };

export interface FieldNode {
  alias?: string;
  name: string;
  args: Array<{ name: string; value: ValueNode }>;
  selections?: FieldNode[];
  loc: Location;
}

export interface VariableDefinition {
  name: string;
  type: string;
  defaultValue?: ValueNode;
}

export interface OperationNode {
  operation: "query" | "mutation" | "subscription";
  name?: string;
  variables: VariableDefinition[];
  selections: FieldNode[];
}

export function parse(source: string): OperationNode[] {
  const tokens = lex(source);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? (tokens[tokens.length - 1] as Token);
  const describe = (t: Token): string => (t.kind === "EOF" ? "<EOF>" : t.kind === "String" ? "String" : `"${t.value}"`);
  const fail = (msg: string, t: Token = peek()): never => {
    throw new GraphQLSyntaxError(msg, locate(source, t.start));
  };
  const is = (value: string): boolean => peek().kind === "Punct" && peek().value === value;
  const skip = (value: string): boolean => (is(value) ? (pos++, true) : false);
  const expect = (value: string): void => {
    if (!skip(value)) fail(`Expected "${value}", found ${describe(peek())}.`);
  };
  const name = (): string => {
    const t = peek();
    if (t.kind !== "Name") return fail(`Expected Name, found ${describe(t)}.`);
    pos++;
    return t.value;
  };

  const value = (): ValueNode => {
    const t = peek();
    if (skip("$")) return { kind: "Variable", name: name() };
    if (skip("[")) {
      const values: ValueNode[] = [];
      while (!skip("]")) values.push(value());
      return { kind: "List", values };
    }
    if (skip("{")) {
      const fields: Array<{ name: string; value: ValueNode }> = [];
      while (!skip("}")) {
        const key = name();
        expect(":");
        fields.push({ name: key, value: value() });
      }
      return { kind: "Object", fields };
    }
    pos++;
    if (t.kind === "Int" || t.kind === "Float") return { kind: t.kind, value: Number(t.value) };
    if (t.kind === "String") return { kind: "String", value: t.value };
    if (t.kind === "Name") {
      if (t.value === "true" || t.value === "false") return { kind: "Boolean", value: t.value === "true" };
      return t.value === "null" ? { kind: "Null" } : { kind: "Enum", value: t.value };
    }
    return fail(`Unexpected ${describe(t)}.`, t);
  };

  const typeRef = (): string => {
    let type = skip("[") ? `[${typeRef()}]` : name();
    if (type.startsWith("[")) expect("]");
    if (skip("!")) type += "!";
    return type;
  };

  const selectionSet = (): FieldNode[] => {
    expect("{");
    const fields: FieldNode[] = [];
    do {
      if (is("...")) fail("Fragments are not supported by the local Pitchly.");
      if (is("@")) fail("Directives are not supported by the local Pitchly.");
      const t = peek();
      const first = name();
      const field: FieldNode = { name: first, args: [], loc: locate(source, t.start) };
      if (skip(":")) {
        field.alias = first;
        field.name = name();
      }
      if (skip("(")) {
        do {
          const arg = name();
          expect(":");
          field.args.push({ name: arg, value: value() });
        } while (!skip(")"));
      }
      if (is("@")) fail("Directives are not supported by the local Pitchly.");
      if (is("{")) field.selections = selectionSet();
      fields.push(field);
    } while (!skip("}"));
    return fields;
  };

  const operations: OperationNode[] = [];
  do {
    const t = peek();
    if (is("{")) {
      operations.push({ operation: "query", variables: [], selections: selectionSet() });
      continue;
    }
    if (t.kind !== "Name" || !["query", "mutation", "subscription"].includes(t.value)) {
      if (t.kind === "Name" && t.value === "fragment") fail("Fragments are not supported by the local Pitchly.");
      fail(`Unexpected ${describe(t)}.`);
    }
    pos++;
    const op: OperationNode = { operation: t.value as OperationNode["operation"], variables: [], selections: [] };
    if (peek().kind === "Name") op.name = name();
    if (skip("(")) {
      do {
        expect("$");
        const def: VariableDefinition = { name: name(), type: "" };
        expect(":");
        def.type = typeRef();
        if (skip("=")) def.defaultValue = value();
        op.variables.push(def);
      } while (!skip(")"));
    }
    op.selections = selectionSet();
    operations.push(op);
  } while (peek().kind !== "EOF");
  return operations;
}

/** Turns an argument's AST into a plain value, reading variables (with their defaults) as it goes. */
export function toValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  switch (node.kind) {
    case "Variable":
      return variables[node.name] ?? null;
    case "Null":
      return null;
    case "List":
      return node.values.map((v) => toValue(v, variables));
    case "Object":
      return Object.fromEntries(node.fields.map((f) => [f.name, toValue(f.value, variables)]));
    default:
      return node.value;
  }
}
