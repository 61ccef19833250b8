// Validates Atlas requests and responses against the extracted OpenAPI subsets (ajv, OpenAPI 3.0 schemas under
// `components.schemas`). Shared by the emulator tests and the provider tests: an empty array means "conforms".
//
// OpenAPI semantics applied on top of plain JSON Schema:
//   - readOnly properties are not required in requests and must not be sent; writeOnly properties are not
//     required in responses and must not be returned (both checked, so a leaked password or bindPassword fails);
//   - a `{type: string}` schema under a JSON media type is Atlas's raw-text quirk (POST certs answers raw PEM with
//     a JSON Content-Type): the body must NOT be JSON, and must be PEM when the schema says so.
// Known spec-vs-reality deviations are listed in SPEC_QUIRKS with the reason for each.
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import path from "node:path";

export type SpecName = "v2" | "v1";
type Json = Record<string, unknown>;
type Direction = "request" | "response";
type HeaderBag = Record<string, string | string[] | number | undefined>;

/** Where the spec files live: ../shared/atlas-openapi beside this repository (as in CI); override with ATLAS_OPENAPI_DIR. */
const SPEC_DIR = process.env.ATLAS_OPENAPI_DIR ?? path.resolve(__dirname, "..", "..", "..", "shared", "atlas-openapi");
const SPEC_FILES: Record<SpecName, string> = {
  v2: "atlas-x509-openapi-v2.json",
  v1: "atlas-x509-openapi-v1.json",
};
const PREFIX: Record<SpecName, string> = { v2: "/api/atlas/v2", v1: "/api/atlas/v1.0" };

const SPEC_QUIRKS = {
  /** Real Atlas returns `groupId` in database-user responses although the spec marks it writeOnly. */
  writeOnlyReturned: new Set(["CloudDatabaseUser.groupId"]),
  /** Real managed certificates report subject "CN=<username>" (reference SNAP); the spec's pattern demands DC=. */
  patternIgnoredInResponses: new Set(["UserCert.subject"]),
  /** Atlas's error parameters are plain values (["<groupId>"]); the spec's `items: {type: object}` is Java's List<Object>. */
  anyItemsInResponses: new Set(["ApiError.parameters"]),
};

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options"]);

class LoadedSpec {
  readonly doc: Json;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly name: SpecName) {
    this.doc = JSON.parse(readFileSync(path.join(SPEC_DIR, SPEC_FILES[name]), "utf8")) as Json;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const schemas = ((this.doc.components as Json).schemas ?? {}) as Record<string, Json>;
    for (const direction of ["request", "response"] as const) {
      const definitions: Record<string, unknown> = {};
      for (const [schemaName, schema] of Object.entries(schemas)) {
        definitions[schemaName] = this.transform(schema, direction, schemaName);
      }
      this.ajv.addSchema({ $id: this.schemaId(direction), definitions });
    }
  }

  /** Compiles (once) the validator for an operation-level schema, e.g. `{$ref: "#/components/schemas/UserCert"}`. */
  validator(schema: Json, direction: Direction, cacheKey: string): ValidateFunction {
    const key = `${direction}:${cacheKey}`;
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(this.transform(schema, direction, undefined) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }

  resolve<T = Json>(value: unknown): T {
    let current = value as Json;
    for (let i = 0; i < 10 && typeof current?.$ref === "string"; i++) {
      const parts = (current.$ref as string).replace(/^#\//, "").split("/");
      current = parts.reduce<Json>((node, part) => node[part] as Json, this.doc);
    }
    return current as T;
  }

  private schemaId(direction: Direction): string {
    return `atlas-${this.name}-${direction}`;
  }

  /**
   * Deep-copies a schema for one direction: component refs point into that direction's definitions, the
   * properties forbidden in that direction become `not: {}` and leave `required`, OpenAPI `nullable` becomes a
   * type union.
   */
  private transform(schema: unknown, direction: Direction, owner: string | undefined): unknown {
    if (Array.isArray(schema)) return schema.map((item) => this.transform(item, direction, owner));
    if (schema === null || typeof schema !== "object") return schema;
    const source = schema as Json;
    const out: Json = {};
    for (const [key, value] of Object.entries(source)) {
      if (key === "$ref" && typeof value === "string") {
        out.$ref = value.replace(/^#\/components\/schemas\//, `${this.schemaId(direction)}#/definitions/`);
      } else if (key === "properties" && value && typeof value === "object") {
        const properties: Json = {};
        for (const [propName, propSchema] of Object.entries(value as Json)) {
          const qualified = `${owner}.${propName}`;
          if (this.forbidden(propSchema, direction, qualified)) {
            properties[propName] = { not: {} };
            continue;
          }
          let transformed = this.transform(propSchema, direction, undefined) as Json;
          if (direction === "response" && SPEC_QUIRKS.patternIgnoredInResponses.has(qualified)) {
            transformed = { ...transformed };
            delete transformed.pattern;
          }
          if (direction === "response" && SPEC_QUIRKS.anyItemsInResponses.has(qualified)) {
            transformed = { ...transformed, items: {} };
          }
          properties[propName] = transformed;
        }
        out.properties = properties;
      } else if (key === "required" && Array.isArray(value)) {
        const properties = (source.properties ?? {}) as Json;
        out.required = value.filter((prop: string) => {
          const flags = this.resolve<Json>(properties[prop] ?? {});
          return !(direction === "request" ? flags.readOnly : flags.writeOnly);
        });
      } else if (key === "nullable") {
        continue;
      } else {
        out[key] = this.transform(value, direction, key === "items" ? owner : undefined);
      }
    }
    if (source.nullable === true && typeof source.type === "string") out.type = [source.type, "null"];
    return out;
  }

  private forbidden(propSchema: unknown, direction: Direction, qualified: string): boolean {
    const flags = this.resolve<Json>(propSchema ?? {});
    if (direction === "request") return flags.readOnly === true;
    return flags.writeOnly === true && !SPEC_QUIRKS.writeOnlyReturned.has(qualified);
  }
}

const loaded = new Map<SpecName, LoadedSpec>();
function load(name: SpecName): LoadedSpec {
  let spec = loaded.get(name);
  if (!spec) {
    spec = new LoadedSpec(name);
    loaded.set(name, spec);
  }
  return spec;
}

interface Operation {
  template: string;
  op: Json;
  pathItem: Json;
}

/**
 * Finds an operation. `pathOrTemplate` may be a template with or without the version prefix
 * ("/groups/{groupId}/userSecurity") or a concrete, percent-encoded path ("/api/atlas/v2/groups/5f.../userSecurity").
 */
function findOperation(spec: LoadedSpec, method: string, pathOrTemplate: string): Operation | string {
  const paths = spec.doc.paths as Record<string, Json>;
  const withoutQuery = pathOrTemplate.split("?")[0]!;
  const full = withoutQuery.startsWith("/api/") ? withoutQuery : `${PREFIX[spec.name]}${withoutQuery}`;
  let template: string | undefined = paths[full] ? full : undefined;
  if (!template) {
    const segments = full.split("/");
    const candidates = Object.keys(paths).filter((t) => {
      const parts = t.split("/");
      return parts.length === segments.length && parts.every((p, i) => p.startsWith("{") || p === segments[i]);
    });
    // The most literal template wins: ".../databaseUsers/{username}/certs" over ".../{databaseName}/{username}".
    const literalCount = (t: string) => t.split("/").filter((p) => !p.startsWith("{")).length;
    template = candidates.sort((a, b) => literalCount(b) - literalCount(a))[0];
  }
  if (!template) return `no path in the ${spec.name} spec matches ${pathOrTemplate}`;
  const pathItem = paths[template]!;
  const op = pathItem[method.toLowerCase()] as Json | undefined;
  if (!op || !HTTP_METHODS.has(method.toLowerCase()))
    return `${method.toUpperCase()} ${template} is not in the ${spec.name} spec`;
  return { template, op, pathItem };
}

function header(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(", ") : value === undefined ? undefined : String(value);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}${paramsText(e)}`);
}

function paramsText(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if ("additionalProperty" in params) return ` (${String(params.additionalProperty)})`;
  if ("allowedValues" in params) return ` (${JSON.stringify(params.allowedValues)})`;
  return "";
}

/** A JSON media type whose schema is a bare string: Atlas sends raw text there (POST certs -> PEM). */
function isRawTextQuirk(type: string, schema: Json): boolean {
  return (type === "application/json" || type.endsWith("+json")) && schema.type === "string" && !schema.$ref;
}

function checkRawText(schema: Json, bodyText: string): string[] {
  const errors: string[] = [];
  try {
    JSON.parse(bodyText);
    errors.push("body is JSON, but Atlas sends this string schema as raw text (not JSON-encoded)");
  } catch {
    // expected: raw text
  }
  if (/\bPEM\b/.test(String(schema.description ?? ""))) {
    if (!bodyText.includes("-----BEGIN CERTIFICATE-----")) errors.push("PEM body has no certificate block");
    if (!/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(bodyText)) errors.push("PEM body has no private key block");
  }
  return errors;
}

/**
 * Checks a response against the spec: documented status, Content-Type (when `headers` are given), body schema,
 * and the declared response headers (RateLimit-*, Retry-After) when `headers` are given.
 */
export function validateResponse(
  specName: SpecName,
  method: string,
  pathTemplate: string,
  status: number,
  bodyText: string,
  headers?: HeaderBag,
): string[] {
  const spec = load(specName);
  const found = findOperation(spec, method, pathTemplate);
  if (typeof found === "string") return [found];
  const responses = found.op.responses as Json;
  const declared = responses[String(status)] ?? responses.default;
  if (!declared) return [`status ${status} is not documented for ${method.toUpperCase()} ${found.template}`];
  const response = spec.resolve(declared);
  const errors: string[] = [];

  if (headers) {
    for (const [name, headerSpec] of Object.entries((response.headers ?? {}) as Json)) {
      const value = header(headers, name);
      const schema = spec.resolve<Json>(spec.resolve<Json>(headerSpec).schema ?? {});
      if (value === undefined) errors.push(`missing response header ${name}`);
      else if (schema.type === "integer" && !/^\d+$/.test(value))
        errors.push(`header ${name} is not an integer: ${value}`);
    }
  }

  const content = response.content as Record<string, Json> | undefined;
  const schemaEntries = Object.entries(content ?? {}).filter(([, media]) => media.schema !== undefined);
  if (schemaEntries.length === 0) {
    if (bodyText.trim() !== "") errors.push(`status ${status} declares no body, got ${bodyText.length} bytes`);
    return errors;
  }
  const received = mediaType(header(headers, "content-type"));
  if (headers && !Object.keys(content ?? {}).some((type) => type.toLowerCase() === received)) {
    errors.push(`Content-Type ${received || "(none)"} is not one of ${Object.keys(content ?? {}).join(", ")}`);
  }
  const [type, media] = schemaEntries.find(([t]) => t.toLowerCase() === received) ?? schemaEntries[0]!;
  const schema = spec.resolve(media.schema);
  if (isRawTextQuirk(type, schema)) return [...errors, ...checkRawText(schema, bodyText)];

  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return [...errors, "body is not valid JSON"];
  }
  const validate = spec.validator(media.schema as Json, "response", `${method} ${found.template} ${status} ${type}`);
  if (!validate(body)) errors.push(...formatErrors(validate.errors));
  return errors;
}

export interface RequestParts {
  /** Content-Type sent; checked against the declared media types (plus application/json, which Atlas accepts). */
  contentType?: string;
  /** Decoded path parameters, e.g. { groupId, username }. */
  pathParams?: Record<string, string>;
  /** Query parameters as sent (strings); unknown names are reported. */
  query?: Record<string, string>;
}

/** Checks a request body (and optionally its Content-Type, path and query parameters) against the spec. */
export function validateRequest(
  specName: SpecName,
  method: string,
  pathTemplate: string,
  bodyText: string | undefined,
  parts: RequestParts = {},
): string[] {
  const spec = load(specName);
  const found = findOperation(spec, method, pathTemplate);
  if (typeof found === "string") return [found];
  const errors = checkParameters(spec, found, parts);

  const requestBody = found.op.requestBody ? spec.resolve(found.op.requestBody) : undefined;
  const hasBody = bodyText !== undefined && bodyText.trim() !== "";
  if (!requestBody) {
    if (hasBody) errors.push(`${method.toUpperCase()} ${found.template} takes no request body`);
    return errors;
  }
  if (!hasBody) {
    if (requestBody.required) errors.push("request body is required");
    return errors;
  }
  const content = requestBody.content as Record<string, Json>;
  if (parts.contentType !== undefined) {
    const sent = mediaType(parts.contentType);
    const allowed = [...Object.keys(content).map((t) => t.toLowerCase()), "application/json"];
    if (!allowed.includes(sent)) errors.push(`Content-Type ${sent} is not one of ${allowed.join(", ")}`);
  }
  const [type, media] = Object.entries(content)[0]!;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return [...errors, "request body is not valid JSON"];
  }
  const validate = spec.validator(media.schema as Json, "request", `${method} ${found.template} ${type}`);
  if (!validate(body)) errors.push(...formatErrors(validate.errors));
  return errors;
}

function checkParameters(spec: LoadedSpec, found: Operation, parts: RequestParts): string[] {
  const errors: string[] = [];
  const declared = [
    ...((found.pathItem.parameters ?? []) as unknown[]),
    ...((found.op.parameters ?? []) as unknown[]),
  ].map((p) => spec.resolve<Json>(p));
  const checkValue = (param: Json, raw: string) => {
    const schema = (param.schema ?? {}) as Json;
    const value =
      schema.type === "integer"
        ? /^-?\d+$/.test(raw)
          ? Number(raw)
          : raw
        : schema.type === "boolean"
          ? raw === "true"
            ? true
            : raw === "false"
              ? false
              : raw
          : raw;
    const validate = spec.validator(
      schema,
      "request",
      `param ${found.template} ${String(param.in)} ${String(param.name)}`,
    );
    if (!validate(value))
      errors.push(
        ...formatErrors(validate.errors).map((e) => `${String(param.in)} parameter ${String(param.name)}: ${e}`),
      );
  };
  for (const param of declared) {
    const source = param.in === "path" ? parts.pathParams : param.in === "query" ? parts.query : undefined;
    if (!source) continue;
    const raw = source[String(param.name)];
    if (raw === undefined) {
      if (param.required && param.in === "path") errors.push(`missing path parameter ${String(param.name)}`);
      continue;
    }
    checkValue(param, raw);
  }
  const queryNames = new Set(declared.filter((p) => p.in === "query").map((p) => String(p.name)));
  for (const name of Object.keys(parts.query ?? {})) {
    if (!queryNames.has(name)) errors.push(`query parameter ${name} is not declared`);
  }
  return errors;
}
