// Default credentials shaped like Atlas's: an 8-letter public key with a UUID private key (programmatic API
// keys), and "mdb_sa_id_..." / "mdb_sa_sk_..." service-account client credentials.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type { EmulatorCredentials, EmulatorOptions } from "./types";

export function resolveCredentials(options: EmulatorOptions): EmulatorCredentials {
  return {
    publicKey: options.publicKey ?? randomLowercase(8),
    privateKey: options.privateKey ?? randomUUID(),
    clientId: options.clientId ?? `mdb_sa_id_${randomBytes(12).toString("hex")}`,
    clientSecret: options.clientSecret ?? `mdb_sa_sk_${randomBytes(20).toString("hex")}`,
  };
}

function randomLowercase(length: number): string {
  return Array.from({ length }, () => String.fromCharCode(97 + randomInt(26))).join("");
}
