// `npm run demo`: the managed-certificates example against the bundled Atlas emulator, through the real
// Pulumi CLI: preview, up, time passes (rotation), certificates expire out of band (refresh shows the drift),
// up repairs it, destroy. Everything runs on loopback with a file backend in a temporary directory.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../test/emulator";
import { EngineStack, repoRoot } from "../test/support/engine";
import type { StackResult } from "../test/support/stack-cli";

const services = ["orders-api", "billing-worker"];

function heading(text: string): void {
  process.stdout.write(`\n\x1b[1m==> ${text}\x1b[0m\n`);
}

function note(text: string): void {
  process.stdout.write(`    ${text}\n`);
}

function succeeded(step: string, result: StackResult): StackResult {
  if (!result.ok) throw new Error(`${step} failed: ${result.error ?? "see the output above"}`);
  return result;
}

/** Stack outputs as a user sees them: secrets stay hidden. */
function printOutputs(result: StackResult): void {
  const hide = (value: unknown, secret: boolean): unknown => {
    if (secret) return "[secret]";
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, /Pem$/.test(k) ? "[secret]" : hide(v, false)]),
      );
    }
    return value;
  };
  for (const [name, output] of Object.entries(result.outputs ?? {})) {
    note(`${name}: ${JSON.stringify(hide(output.value, output.secret), null, 2).replace(/\n/g, "\n    ")}`);
  }
}

async function countRequests(emulator: Emulator, since: number): Promise<string> {
  const log = (await emulator.control.requests()).filter((r) => r.seq > since && r.authenticated);
  const writes = log.filter((r) => r.method !== "GET").length;
  return `${log.length} Atlas API call(s), ${writes} write(s)`;
}

async function main(): Promise<void> {
  heading("Pulumi CLI");
  const binDir = execFileSync(path.join(repoRoot, "scripts", "ensure-pulumi-cli"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  process.env.PULUMI_CLI_BIN_DIR = binDir;
  note(
    `pulumi ${execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim()} on node ${process.version}`,
  );

  heading("Starting the Atlas emulator on loopback");
  const emulator = await startEmulator({
    seedUsers: services.map((username) => ({ username, x509Type: "MANAGED" as const })),
  });
  note(`${emulator.baseUrl}, project ${emulator.projectId}, MANAGED users: ${services.join(", ")}`);

  const stack = EngineStack.create({
    program: "examples/managed-certs/index.ts",
    projectName: "atlas-managed-certs",
    stackName: "demo",
    config: {
      projectId: { value: emulator.projectId },
      clusterHost: { value: "cluster0.demo.mongodb.net" },
      "mongodbatlas:baseUrl": { value: emulator.baseUrl },
      "mongodbatlas:publicKey": { value: emulator.credentials.publicKey, secret: true },
      "mongodbatlas:privateKey": { value: emulator.credentials.privateKey, secret: true },
    },
  });
  note(`file backend ${stack.backendDir}; credentials are secret stack config`);

  try {
    let mark = 0;
    const step = async (title: string, run: () => Promise<StackResult>) => {
      heading(title);
      mark = (await emulator.control.requests()).at(-1)?.seq ?? 0;
      const result = succeeded(title, await run());
      note(`(${await countRequests(emulator, mark)})`);
      return result;
    };

    await step("pulumi preview: what would be created (no Atlas calls)", () => stack.preview({ stream: true }));
    const up = await step("pulumi up: Atlas issues one certificate per service", () => stack.up({ stream: true }));
    printOutputs(up);
    await step("pulumi preview --expect-no-changes", () => stack.preview({ expectNoChanges: true, stream: true }));

    heading("Time passes: 80 days later (emulator clock); 14-day renewal window is open");
    await emulator.control.advanceClock(80);
    await step("pulumi preview: rotation shows as a replace before it happens", () => stack.preview({ stream: true }));
    await step("pulumi up: successors issued before the old certificates leave the stack", () =>
      stack.up({ stream: true }),
    );

    heading("Out of band: 100 more days pass; Atlas no longer lists the certificates (expired)");
    await emulator.control.advanceClock(100);
    await step("pulumi refresh: the drift shows as deleted certificates", () => stack.refresh({ stream: true }));
    await step("pulumi up: new certificates repair it", () => stack.up({ stream: true }));
    await step("pulumi refresh --expect-no-changes: state matches Atlas", () =>
      stack.refresh({ expectNoChanges: true, stream: true }),
    );

    await step("pulumi destroy: certificates leave the stack (Atlas cannot revoke them; see the warnings)", () =>
      stack.destroy({ stream: true }),
    );

    const state = stack.backendContents();
    const leaked = [emulator.credentials.privateKey, "BEGIN PRIVATE KEY"].filter((needle) => state.includes(needle));
    heading(
      leaked.length === 0
        ? "Done: the backend holds no API key and no private key in plain text"
        : "Secret found in state!",
    );
    if (leaked.length > 0) throw new Error(`plain-text secrets in the backend: ${leaked.length}`);
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
