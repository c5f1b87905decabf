// Validates a parsed operation against a schema, then resolves only the fields it asks for.
import type { Location } from "./graphql-lexer";
import { toValue, type FieldNode, type OperationNode } from "./mini-graphql";

export interface FieldDef<C> {
  /** SDL notation, e.g. "ID!", "[Table!]!"; object types are the names present in Schema.types. */
  type: string;
  /** Argument name → SDL type; a trailing "!" makes it required. */
  args?: Record<string, string>;
  /** Absent: read the parent's property of the same name. */
  resolve?: (parent: unknown, args: Record<string, unknown>, ctx: C) => unknown;
}

export interface Schema<C> {
  queryType: string;
  types: Record<string, Record<string, FieldDef<C>>>;
}

export interface GraphQLErrorShape {
  message: string;
  locations?: Location[];
  path?: Array<string | number>;
  extensions: { code: string };
}

const namedType = (type: string): string => type.replace(/[[\]!]/g, "");

function usedVariables(field: FieldNode): string[] {
  const names: string[] = [];
  const visit = (node: FieldNode["args"][number]["value"]): void => {
    if (node.kind === "Variable") names.push(node.name);
    else if (node.kind === "List") node.values.forEach(visit);
    else if (node.kind === "Object") node.fields.forEach((f) => visit(f.value));
  };
  for (const arg of field.args) visit(arg.value);
  return names;
}

export function validate<C>(schema: Schema<C>, op: OperationNode): GraphQLErrorShape[] {
  const errors: GraphQLErrorShape[] = [];
  const declared = new Set(op.variables.map((v) => v.name));
  const report = (message: string, field: FieldNode): void => {
    errors.push({ message, locations: [field.loc], extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  };
  const walk = (typeName: string, selections: FieldNode[]): void => {
    const fields = schema.types[typeName] ?? {};
    for (const field of selections) {
      const { name } = field;
      if (name === "__typename") {
        if (field.selections) report(`Field "__typename" must not have a selection since type "String!" has no subfields.`, field);
        continue;
      }
      const def = fields[name];
      if (!def) {
        report(`Cannot query field "${name}" on type "${typeName}".`, field);
        continue;
      }
      const allowed = def.args ?? {};
      for (const arg of field.args) {
        if (!(arg.name in allowed)) report(`Unknown argument "${arg.name}" on field "${typeName}.${name}".`, field);
      }
      for (const [arg, type] of Object.entries(allowed)) {
        if (type.endsWith("!") && !field.args.some((a) => a.name === arg)) {
          report(`Field "${name}" argument "${arg}" of type "${type}" is required, but it was not provided.`, field);
        }
      }
      for (const variable of usedVariables(field)) {
        if (!declared.has(variable)) report(`Variable "$${variable}" is not defined.`, field);
      }
      const target = namedType(def.type);
      if (schema.types[target]) {
        if (field.selections) walk(target, field.selections);
        else report(`Field "${name}" of type "${def.type}" must have a selection of subfields. Did you mean "${name} { ... }"?`, field);
      } else if (field.selections) {
        report(`Field "${name}" must not have a selection since type "${def.type}" has no subfields.`, field);
      }
    }
  };
  if (op.operation !== "query") {
    errors.push({ message: `Schema is not configured to execute ${op.operation} operation.`, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
  } else walk(schema.queryType, op.selections);
  return errors;
}

export function execute<C>(
  schema: Schema<C>,
  op: OperationNode,
  provided: Readonly<Record<string, unknown>>,
  ctx: C,
): { data: Record<string, unknown>; errors?: GraphQLErrorShape[] } {
  const errors: GraphQLErrorShape[] = [];
  const variables: Record<string, unknown> = { ...provided };
  for (const def of op.variables) {
    if (variables[def.name] === undefined && def.defaultValue) variables[def.name] = toValue(def.defaultValue, {});
  }

  const complete = (type: string, value: unknown, field: FieldNode, path: Array<string | number>): unknown => {
    if (value === null || value === undefined) return null;
    const inner = type.endsWith("!") ? type.slice(0, -1) : type;
    if (inner.startsWith("[")) {
      if (!Array.isArray(value)) return null;
      return value.map((item: unknown, i) => complete(inner.slice(1, -1), item, field, [...path, i]));
    }
    return schema.types[inner] ? resolveAll(inner, value, field.selections ?? [], path) : value;
  };

  const resolveAll = (typeName: string, parent: unknown, selections: FieldNode[], path: Array<string | number>) => {
    const result: Record<string, unknown> = {};
    for (const field of selections) {
      const key = field.alias ?? field.name;
      if (field.name === "__typename") {
        result[key] = typeName;
        continue;
      }
      const def = schema.types[typeName]?.[field.name];
      if (!def) continue; // validate() already reported it
      const args = Object.fromEntries(field.args.map((a) => [a.name, toValue(a.value, variables)]));
      let value: unknown;
      try {
        value = def.resolve ? def.resolve(parent, args, ctx) : (parent as Record<string, unknown>)[field.name];
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        errors.push({ message, locations: [field.loc], path: [...path, key], extensions: { code: "INTERNAL_SERVER_ERROR" } });
        value = null;
      }
      result[key] = complete(def.type, value, field, [...path, key]);
    }
    return result;
  };

  const data = resolveAll(schema.queryType, null, op.selections, []);
  return errors.length > 0 ? { data, errors } : { data };
}
