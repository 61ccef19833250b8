#!/usr/bin/env node
// The `atlas-x509-emulator` command (also `npm run emulator --`): starts the emulator on 127.0.0.1, creates the
// projects and users the flags and seed file name, prints shell-sourceable NAME=value lines, then serves until
// SIGINT/SIGTERM. Wrong flags exit 2 with a message; a failure to start (port taken) exits 1.
import { renameSync, writeFileSync } from "node:fs";
import { readSeedFile } from "./cli/seed-file";
import { parseUserSpec, PROJECT_NAME, projectId, UsageError } from "./cli/values";
import { DEFAULT_CERTS_PER_USER_LIMIT, DEFAULT_KEY_BITS, DEFAULT_TOKEN_TTL_SECONDS } from "./defaults";
import { startEmulator, type Emulator, type EmulatorOptions } from "./index";
import { databaseNameFor, PROJECT_ID_PATTERN } from "./state";
import type { SeedProject, SeedUser } from "./types";

export const USAGE = `Usage: atlas-x509-emulator [options]

A local MongoDB Atlas Admin API emulator for the X.509 endpoints (loopback only). Prints NAME=value lines
(MONGODB_ATLAS_BASE_URL, the API key pair, a service account, ATLAS_PROJECT_ID[_<NAME>]) once it listens, then
serves until SIGINT or SIGTERM.

Projects and users
  --user NAME[:TYPE]         a database user; TYPE is MANAGED (default), CUSTOMER or NONE. The name may itself
                             contain ":" and ","; the type is taken after the last ":". Goes to the project of
                             the latest --project flag, else to the default project. Alias: --seed-user.
  --project NAME[=ID]        another project (ID: 24 lowercase hex, random when absent); prints
                             ATLAS_PROJECT_ID_<NAME>. A bare 24-hex value is both name and id.
  --project-id ID            the default project's id (24 lowercase hex; random when absent)
  --seed FILE                a JSON seed file: {"projectId", "users", "ldap", "projects": [{"name", "id",
                             "users", "ldap", "customerX509": {"cas"}}]}; users are "name:TYPE" strings or
                             {"username", "x509Type"} objects

Certificates
  --key-bits BITS            RSA size of issued keys and of each project's CA: 2048, 3072 or 4096
                             (default ${DEFAULT_KEY_BITS}, as Atlas; 2048 is several times faster)
  --key-pool N               generate N key pairs at start and hand them out in turn (default 0: a fresh key
                             pair per certificate)
  --certs-per-user N         unexpired certificates per user before ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED
                             (default ${DEFAULT_CERTS_PER_USER_LIMIT})

Rate limit (off by default; RateLimit-* headers are always sent on v2)
  --rate-limit-capacity N    enforce a token bucket of N requests per credential; an empty bucket answers 429
  --rate-limit-refill R      tokens added per second (default N/60, i.e. N per minute)

Credentials (random when absent)
  --public-key K  --private-key K  --client-id ID  --client-secret S

Other
  --port N                   port on 127.0.0.1 (default 0: a free port)
  --token-ttl SECONDS        lifetime of service-account tokens (default ${DEFAULT_TOKEN_TTL_SECONDS})
  --write-env PATH            also write the NAME=value lines to PATH (atomically, once listening)
  --log                      print one access-log line per API request to stderr
  -h, --help                 print this help
`;

const KEY_SIZES = [2048, 3072, 4096];

/** Thrown by parseCliArgs and runCli for a bad command line or seed file (defined in cli/values.ts). */
export { UsageError };

export type CliCommand = { kind: "help" } | { kind: "run"; options: EmulatorOptions; writeEnv?: string; log: boolean };

export function parseCliArgs(argv: readonly string[]): CliCommand {
  const options: EmulatorOptions = { port: 0 };
  const defaultUsers: SeedUser[] = [];
  const projects: SeedProject[] = [];
  let writeEnv: string | undefined;
  let log = false;
  let refill: number | undefined;
  /** Where --user puts users: the latest --project, else the default project. */
  let currentUsers = defaultUsers;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--")))
        throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case "-h":
      case "--help":
        return { kind: "help" };
      case "--port":
        options.port = integer(name, value(), 0, 65535);
        break;
      case "--public-key":
        options.publicKey = nonEmpty(name, value());
        break;
      case "--private-key":
        options.privateKey = nonEmpty(name, value());
        break;
      case "--client-id":
        options.clientId = nonEmpty(name, value());
        break;
      case "--client-secret":
        options.clientSecret = nonEmpty(name, value());
        break;
      case "--project-id":
        options.projectId = projectId(name, value());
        break;
      case "--user":
      case "--seed-user": {
        const spec = value();
        currentUsers.push(parseUserSpec(`${name} ${JSON.stringify(spec)}`, spec));
        break;
      }
      case "--project": {
        const project = parseProjectSpec(value());
        projects.push(project);
        currentUsers = project.users!;
        break;
      }
      case "--seed": {
        const seed = readSeedFile(value());
        if (seed.projectId !== undefined) {
          if (options.projectId !== undefined && options.projectId !== seed.projectId) {
            throw new UsageError(`--seed ${seed.file}: projectId ${seed.projectId} conflicts with --project-id`);
          }
          options.projectId = seed.projectId;
        }
        if (seed.ldap !== undefined) options.ldap = seed.ldap;
        defaultUsers.push(...seed.users);
        projects.push(...seed.projects);
        break;
      }
      case "--key-bits": {
        const bits = integer(name, value(), 1, 1 << 16);
        if (!KEY_SIZES.includes(bits)) throw new UsageError(`--key-bits must be 2048, 3072 or 4096, got ${bits}`);
        options.keyBits = bits;
        break;
      }
      case "--key-pool":
        options.keyPool = integer(name, value(), 0, 1000);
        break;
      case "--certs-per-user":
        options.certsPerUserLimit = integer(name, value(), 1, 1_000_000);
        break;
      case "--rate-limit-capacity":
        options.rateLimit = { capacity: integer(name, value(), 1, 1_000_000_000), refillPerSecond: 0 };
        break;
      case "--rate-limit-refill":
        refill = decimal(name, value());
        break;
      case "--token-ttl":
        options.tokenTtlSeconds = integer(name, value(), 1, 31 * 24 * 3600);
        break;
      // Not "--env-file": Node 22 reads that flag (and loads the file) wherever it appears on the command line.
      case "--write-env":
        writeEnv = nonEmpty(name, value());
        break;
      case "--log":
        if (inline !== undefined) throw new UsageError("--log takes no value");
        log = true;
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }

  if (options.rateLimit) options.rateLimit.refillPerSecond = refill ?? options.rateLimit.capacity / 60;
  else if (refill !== undefined) throw new UsageError("--rate-limit-refill needs --rate-limit-capacity");
  checkProjects(options.projectId, defaultUsers, projects);
  if (defaultUsers.length > 0) options.seedUsers = defaultUsers;
  if (projects.length > 0) options.projects = projects;
  const command: CliCommand = { kind: "run", options, log };
  if (writeEnv !== undefined) command.writeEnv = writeEnv;
  return command;
}

function parseProjectSpec(spec: string): SeedProject {
  if (PROJECT_ID_PATTERN.test(spec)) return { name: spec, id: spec, users: [] };
  const eq = spec.indexOf("=");
  const name = eq === -1 ? spec : spec.slice(0, eq);
  if (!PROJECT_NAME.test(name)) {
    throw new UsageError(`--project ${spec}: a name is letters, digits, "-" and "_" (optionally =<24 hex id>)`);
  }
  return eq === -1 ? { name, users: [] } : { name, id: projectId(`--project ${name}`, spec.slice(eq + 1)), users: [] };
}

/** Unique project ids and names, and unique usernames within each project. */
function checkProjects(defaultId: string | undefined, defaultUsers: SeedUser[], projects: SeedProject[]): void {
  const ids = new Set(defaultId === undefined ? [] : [defaultId]);
  const names = new Set<string>();
  for (const project of projects) {
    if (names.has(project.name)) throw new UsageError(`two projects are named ${project.name}`);
    names.add(project.name);
    if (project.id !== undefined) {
      if (ids.has(project.id)) throw new UsageError(`two projects have the id ${project.id}`);
      ids.add(project.id);
    }
  }
  for (const [label, list] of [
    ["the default project", defaultUsers],
    ...projects.map((p) => [p.name, p.users ?? []] as const),
  ] as const) {
    const seen = new Set<string>();
    for (const user of list) {
      // X.509 users live in $external, NONE users in admin: the same name may exist once in each.
      const key = `${databaseNameFor(user.x509Type)}/${user.username}`;
      if (seen.has(key)) throw new UsageError(`user ${user.username} is given twice for ${label}`);
      seen.add(key);
    }
  }
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${flag} must be an integer ${min}..${max}, got ${text}`);
  return n;
}

function decimal(flag: string, text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number >= 0, got ${text}`);
  return n;
}

function nonEmpty(flag: string, text: string): string {
  if (text === "") throw new UsageError(`${flag} must not be empty`);
  return text;
}

/** `NAME=value` lines a shell can `source` (values quoted only when they need it). */
export function environmentLines(emulator: Emulator): string[] {
  const { publicKey, privateKey, clientId, clientSecret } = emulator.credentials;
  const lines: Array<[string, string]> = [
    ["MONGODB_ATLAS_BASE_URL", emulator.baseUrl],
    ["MONGODB_ATLAS_PUBLIC_API_KEY", publicKey],
    ["MONGODB_ATLAS_PRIVATE_API_KEY", privateKey],
    ["MONGODB_ATLAS_CLIENT_ID", clientId],
    ["MONGODB_ATLAS_CLIENT_SECRET", clientSecret],
    ["ATLAS_PROJECT_ID", emulator.projectId],
  ];
  for (const [name, id] of Object.entries(emulator.projects ?? {})) {
    lines.push([`ATLAS_PROJECT_ID_${name.toUpperCase().replace(/-/g, "_")}`, id]);
  }
  return lines.map(([name, value]) => `${name}=${shellQuote(value)}`);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the command: prints the help, or starts the emulator, prints the environment lines (and writes them to
 * --write-env) and closes cleanly on SIGINT/SIGTERM. Throws UsageError for a bad command line.
 */
export async function runCli(
  argv: readonly string[],
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<Emulator | undefined> {
  const command = parseCliArgs(argv);
  if (command.kind === "help") {
    write(USAGE);
    return undefined;
  }
  const options = command.log
    ? { ...command.options, log: (line: string) => process.stderr.write(`${line}\n`) }
    : command.options;
  const emulator = await startEmulator(options);
  const text = environmentLines(emulator).join("\n") + "\n";
  if (command.writeEnv !== undefined) {
    try {
      writeFileSync(`${command.writeEnv}.tmp-${process.pid}`, text, { mode: 0o600 });
      renameSync(`${command.writeEnv}.tmp-${process.pid}`, command.writeEnv);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }
  write(text);
  const stop = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    void emulator.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return emulator;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`atlas-x509-emulator: ${error.message}\nRun atlas-x509-emulator --help for the options.\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`atlas-x509-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });
}
