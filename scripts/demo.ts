// `npm run demo`: the managed-certificates example against the bundled Atlas emulator, through the real
// Pulumi CLI: preview, up, time passes (rotation), certificates expire out of band (refresh shows the drift),
// up repairs it, destroy. Everything runs on loopback with a file backend in a temporary directory.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { EngineStack, repoRoot } from "./lib/engine";
import type { StackResult } from "./lib/stack-cli";

const services = ["orders-api", "billing-worker"];
const dayMs = 24 * 60 * 60 * 1000;

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

    // The provider judges renewal by this machine's clock; Atlas (the emulator) dates certificates by its own.
    heading("Setting the emulator's clock 80 days back: the stack is created as if 80 days ago");
    await emulator.control.setClockOffset(-80 * dayMs);
    await step("pulumi preview: what would be created (no Atlas calls)", () => stack.preview({ stream: true }));
    await step("pulumi up: Atlas issues one certificate per service (keys stay [secret])", () =>
      stack.up({ stream: true }),
    );

    heading("Back to today: the 3-month certificates have about 11 days left, inside the 14-day renewal window");
    await emulator.control.setClockOffset(0);
    await step("pulumi preview: the rotation shows as a replace before it happens, with a warning saying why", () =>
      stack.preview({ stream: true }),
    );
    await step("pulumi up: successors issued before the old certificates leave the stack", () =>
      stack.up({ stream: true }),
    );
    await step("pulumi preview --expect-no-changes", () => stack.preview({ expectNoChanges: true, stream: true }));

    heading("Out of band: 100 days pass at Atlas; it no longer lists the certificates (expired)");
    await emulator.control.setClockOffset(100 * dayMs);
    await step("pulumi refresh: the drift shows as deleted certificates", () => stack.refresh({ stream: true }));
    await step("pulumi up: new certificates repair it", () => stack.up({ stream: true }));
    await step("pulumi refresh --expect-no-changes: state matches Atlas", () =>
      stack.refresh({ expectNoChanges: true, stream: true }),
    );

    // While the certificates are in the stack: what `pulumi stack export` shows, and every byte of the backend.
    const exported = JSON.stringify((await stack.export()).deployment);
    const secrets = [emulator.credentials.privateKey, "BEGIN PRIVATE KEY"];
    const leaks = secrets.filter((needle) => exported.includes(needle) || stack.backendContents().includes(needle));

    await step("pulumi destroy: certificates leave the stack (Atlas cannot revoke them; see the warnings)", () =>
      stack.destroy({ stream: true }),
    );

    const history = stack.backendContents();
    leaks.push(...secrets.filter((needle) => history.includes(needle)));
    if (leaks.length > 0) throw new Error(`plain-text secrets in the stack export or the backend: ${leaks.length}`);
    heading(
      "Done: neither pulumi stack export nor the backend's files hold the API key or a private key in plain text",
    );
  } finally {
    stack.dispose();
    await emulator.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
