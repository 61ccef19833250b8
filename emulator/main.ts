#!/usr/bin/env node
// CLI entry: `npm run emulator -- --port 8787 [--public-key K] [--private-key K] [--project-id ID]
// [--seed-user name:MANAGED]...`. Prints shell-sourceable credentials first, then serves until SIGINT/SIGTERM.
import { startEmulator, type Emulator, type EmulatorOptions, type X509Type } from "./index";

const USAGE = `usage: atlas-emulator [--port N] [--public-key K] [--private-key K] [--client-id ID] [--client-secret S]
                      [--project-id 24HEX] [--seed-user name:NONE|MANAGED|CUSTOMER]...`;
const X509_TYPES: readonly string[] = ["NONE", "MANAGED", "CUSTOMER"];

export function parseCliArgs(argv: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 0 };
  const seedUsers: NonNullable<EmulatorOptions["seedUsers"]> = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes("=")
      ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)]
      : [flag, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value\n${USAGE}`);
      return v;
    };
    switch (name) {
      case "--port": {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535`);
        options.port = port;
        break;
      }
      case "--public-key":
        options.publicKey = value();
        break;
      case "--private-key":
        options.privateKey = value();
        break;
      case "--client-id":
        options.clientId = value();
        break;
      case "--client-secret":
        options.clientSecret = value();
        break;
      case "--project-id":
        options.projectId = value();
        break;
      case "--seed-user": {
        // The username may itself contain ":" (DNs do not, but be safe): split on the last one.
        const spec = value();
        const colon = spec.lastIndexOf(":");
        const x509Type = spec.slice(colon + 1);
        if (colon <= 0 || !X509_TYPES.includes(x509Type))
          throw new Error(`--seed-user expects name:NONE|MANAGED|CUSTOMER, got ${spec}`);
        seedUsers.push({ username: spec.slice(0, colon), x509Type: x509Type as X509Type });
        break;
      }
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (seedUsers.length > 0) options.seedUsers = seedUsers;
  return options;
}

/** `NAME=value` lines a shell can `source` (values quoted only when they need it). */
export function environmentLines(emulator: Emulator): string[] {
  const { publicKey, privateKey, clientId, clientSecret } = emulator.credentials;
  return [
    ["MONGODB_ATLAS_BASE_URL", emulator.baseUrl],
    ["MONGODB_ATLAS_PUBLIC_API_KEY", publicKey],
    ["MONGODB_ATLAS_PRIVATE_API_KEY", privateKey],
    ["MONGODB_ATLAS_CLIENT_ID", clientId],
    ["MONGODB_ATLAS_CLIENT_SECRET", clientSecret],
    ["ATLAS_PROJECT_ID", emulator.projectId],
  ].map(([name, value]) => `${name}=${shellQuote(value!)}`);
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Starts the emulator, prints the environment lines, and closes cleanly on SIGINT/SIGTERM. */
export async function runCli(
  argv: readonly string[],
  write: (text: string) => void = (t) => process.stdout.write(t),
): Promise<Emulator> {
  const emulator = await startEmulator(parseCliArgs(argv));
  write(environmentLines(emulator).join("\n") + "\n");
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
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
