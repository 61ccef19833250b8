// The CLI: argument parsing, the shell-sourceable environment lines, and a real process that serves until SIGTERM.
import { spawn } from "node:child_process";
import path from "node:path";
import { environmentLines, parseCliArgs, runCli } from "../../emulator/main";
import { repoRoot } from "../../scripts/lib/repo-root";
import { AtlasCaller, rawRequest } from "../support/atlas-http";

describe("emulator CLI", () => {
  it("parses ports, keys, the project id and repeated seed users", () => {
    expect(
      parseCliArgs([
        "--port=8787",
        "--public-key",
        "pubkey",
        "--private-key",
        "priv-key",
        "--project-id",
        "0123456789abcdef01234567",
        "--seed-user",
        "alice:MANAGED",
        "--seed-user",
        "CN=bob,OU=x:CUSTOMER",
      ]),
    ).toEqual({
      port: 8787,
      publicKey: "pubkey",
      privateKey: "priv-key",
      projectId: "0123456789abcdef01234567",
      seedUsers: [
        { username: "alice", x509Type: "MANAGED" },
        { username: "CN=bob,OU=x", x509Type: "CUSTOMER" },
      ],
    });
    expect(parseCliArgs([])).toEqual({ port: 0 });
  });

  it.each([[["--seed-user", "alice:ADMIN"]], [["--port", "99999"]], [["--unknown"]], [["--public-key"]]])(
    "rejects %j",
    (argv) => {
      expect(() => parseCliArgs(argv)).toThrow();
    },
  );

  it("quotes only values that need it", () => {
    const lines = environmentLines({
      baseUrl: "http://127.0.0.1:1",
      projectId: "0123456789abcdef01234567",
      credentials: { publicKey: "it's odd", privateKey: "a b", clientId: "mdb_sa_id_1", clientSecret: "s" },
    } as Parameters<typeof environmentLines>[0]);
    expect(lines).toEqual([
      "MONGODB_ATLAS_BASE_URL=http://127.0.0.1:1",
      "MONGODB_ATLAS_PUBLIC_API_KEY='it'\\''s odd'",
      "MONGODB_ATLAS_PRIVATE_API_KEY='a b'",
      "MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_1",
      "MONGODB_ATLAS_CLIENT_SECRET=s",
      "ATLAS_PROJECT_ID=0123456789abcdef01234567",
    ]);
  });

  it("prints working credentials first (in-process run)", async () => {
    let output = "";
    const emulator = await runCli(
      ["--port", "0", "--public-key", "clikey", "--seed-user", "zed:MANAGED"],
      (text) => (output += text),
    );
    try {
      const env = Object.fromEntries(
        output
          .trim()
          .split("\n")
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      );
      expect(Object.keys(env)).toEqual([
        "MONGODB_ATLAS_BASE_URL",
        "MONGODB_ATLAS_PUBLIC_API_KEY",
        "MONGODB_ATLAS_PRIVATE_API_KEY",
        "MONGODB_ATLAS_CLIENT_ID",
        "MONGODB_ATLAS_CLIENT_SECRET",
        "ATLAS_PROJECT_ID",
      ]);
      const caller = new AtlasCaller({
        baseUrl: env.MONGODB_ATLAS_BASE_URL!,
        credentials: { publicKey: env.MONGODB_ATLAS_PUBLIC_API_KEY!, privateKey: env.MONGODB_ATLAS_PRIVATE_API_KEY! },
      });
      const response = await caller.call("GET", `/groups/${env.ATLAS_PROJECT_ID}/databaseUsers/$external/zed`);
      expect(response.status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it("runs as its own process until SIGTERM, then exits cleanly", async () => {
    // The compiled entry point, as the package's bin runs it (`npm test` builds first).
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "emulator", "main.js"), "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`no output after 15 s: ${text}`)), 15_000);
        child.stdout.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes("ATLAS_PROJECT_ID=")) {
            clearTimeout(timer);
            resolve(text);
          }
        });
        child.on("exit", () => {
          clearTimeout(timer);
          reject(new Error(`emulator exited early: ${text}`));
        });
      });
      const baseUrl = /MONGODB_ATLAS_BASE_URL=(\S+)/.exec(output)![1]!;
      expect((await rawRequest(baseUrl, "GET", "/__emulator/health")).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
