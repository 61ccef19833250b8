// The seed file of `atlas-x509-emulator --seed FILE` (format in emulator/README.md): the default project's id,
// users and LDAP settings, and further projects. Every key is optional, unknown keys are refused, and every mistake
// names the file and the JSON path.
import { readFileSync } from "node:fs";
import { X509_TYPES, type SeedProject, type SeedUser, type X509Type } from "../types";
import { parseUserSpec, PROJECT_NAME, projectId, UsageError } from "./values";

export interface SeedFile {
  file: string;
  projectId?: string;
  ldap?: Record<string, unknown>;
  users: SeedUser[];
  projects: SeedProject[];
}

/** Reads and checks a seed file; every mistake names the file and the JSON path. */
export function readSeedFile(file: string): SeedFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`--seed ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--seed ${file}: not valid JSON (${(error as Error).message})`);
  }
  const where = (path: string) => `--seed ${file}: ${path}`;
  const root = object(where("the top level"), json, ["projectId", "users", "ldap", "projects"]);
  const seed: SeedFile = { file, users: users(where, "users", root.users), projects: [] };
  if (root.projectId !== undefined) seed.projectId = projectId(where("projectId"), root.projectId);
  if (root.ldap !== undefined) seed.ldap = object(where("ldap"), root.ldap);
  if (root.projects !== undefined) {
    if (!Array.isArray(root.projects)) throw new UsageError(`${where("projects")} must be an array`);
    root.projects.forEach((entry: unknown, n) => {
      const at = `projects[${n}]`;
      const p = object(where(at), entry, ["name", "id", "users", "ldap", "customerX509"]);
      if (typeof p.name !== "string" || !PROJECT_NAME.test(p.name)) {
        throw new UsageError(`${where(`${at}.name`)} must be letters, digits, "-" and "_"`);
      }
      const project: SeedProject = { name: p.name, users: users(where, `${at}.users`, p.users) };
      if (p.id !== undefined) project.id = projectId(where(`${at}.id`), p.id);
      if (p.ldap !== undefined) project.ldap = object(where(`${at}.ldap`), p.ldap);
      if (p.customerX509 !== undefined) {
        const cas = object(where(`${at}.customerX509`), p.customerX509, ["cas"]).cas;
        if (typeof cas !== "string" || !cas.includes("-----BEGIN CERTIFICATE-----")) {
          throw new UsageError(`${where(`${at}.customerX509.cas`)} must be PEM certificate text`);
        }
        project.customerX509Cas = cas;
      }
      seed.projects.push(project);
    });
  }
  return seed;
}

function users(where: (path: string) => string, path: string, value: unknown): SeedUser[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UsageError(`${where(path)} must be an array`);
  return value.map((entry: unknown, n) => {
    const at = where(`${path}[${n}]`);
    if (typeof entry === "string") return parseUserSpec(at, entry);
    const user = object(at, entry, ["username", "x509Type"]);
    if (typeof user.username !== "string" || user.username === "") {
      throw new UsageError(`${at}.username must be a non-empty string`);
    }
    const x509Type = user.x509Type ?? "MANAGED";
    if (!X509_TYPES.includes(x509Type as X509Type)) {
      throw new UsageError(`${at}.x509Type must be MANAGED, CUSTOMER or NONE`);
    }
    return { username: user.username, x509Type: x509Type as X509Type };
  });
}

function object(where: string, value: unknown, keys?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UsageError(`${where} must be a JSON object`);
  }
  const unknown = keys ? Object.keys(value).filter((key) => !keys.includes(key)) : [];
  if (unknown.length > 0) throw new UsageError(`${where}: unknown key ${unknown[0]} (known: ${keys!.join(", ")})`);
  return value as Record<string, unknown>;
}
