// The CLI: argument parsing and validation, seed files, the shell-sourceable environment lines, and a real process
// that serves until SIGTERM (and exits 2 on a bad flag).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EmulatorControl } from "../../emulator/index";
import { environmentLines, parseCliArgs, runCli, UsageError } from "../../emulator/main";
import { repoRoot } from "../../scripts/lib/repo-root";
import { AtlasCaller, rawRequest } from "../support/atlas-http";

/** Seed files are not checked beyond "is PEM": this placeholder is enough. */
const CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("emulator CLI", () => {
  const run = (argv: string[]) => {
    const command = parseCliArgs(argv);
    if (command.kind !== "run") throw new Error("expected a run command");
    return command;
  };

  it("parses ports, keys, the project id, users (and the --seed-user alias), key size, pool and rate limit", () => {
    expect(
      run([
        "--port=8787",
        "--public-key",
        "pubkey",
        "--private-key",
        "priv-key",
        "--project-id",
        "0123456789abcdef01234567",
        "--user",
        "orders-api:MANAGED",
        "--seed-user",
        "CN=Jane Doe,O=Corp:CUSTOMER",
        "--user",
        "plain",
        "--user=scram:none",
        "--key-bits",
        "2048",
        "--key-pool=3",
        "--rate-limit-capacity",
        "120",
        "--certs-per-user",
        "7",
        "--token-ttl",
        "60",
        "--write-env",
        "/tmp/x.env",
        "--log",
      ]),
    ).toEqual({
      kind: "run",
      log: true,
      writeEnv: "/tmp/x.env",
      options: {
        port: 8787,
        publicKey: "pubkey",
        privateKey: "priv-key",
        projectId: "0123456789abcdef01234567",
        seedUsers: [
          { username: "orders-api", x509Type: "MANAGED" },
          { username: "CN=Jane Doe,O=Corp", x509Type: "CUSTOMER" },
          { username: "plain", x509Type: "MANAGED" },
          { username: "scram", x509Type: "NONE" },
        ],
        keyBits: 2048,
        keyPool: 3,
        rateLimit: { capacity: 120, refillPerSecond: 2 },
        certsPerUserLimit: 7,
        tokenTtlSeconds: 60,
      },
    });
    expect(parseCliArgs([])).toEqual({ kind: "run", log: false, options: { port: 0 } });
    expect(parseCliArgs(["--port", "0", "--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["-h"])).toEqual({ kind: "help" });
  });

  it("puts --user into the project of the latest --project flag", () => {
    expect(
      run([
        "--user",
        "a",
        "--project",
        "billing",
        "--user",
        "b:CUSTOMER",
        "--project",
        "ops=00112233445566778899aabb",
        "--project",
        "ffeeddccbbaa998877665544",
        "--user",
        "c",
      ]).options,
    ).toEqual({
      port: 0,
      seedUsers: [{ username: "a", x509Type: "MANAGED" }],
      projects: [
        { name: "billing", users: [{ username: "b", x509Type: "CUSTOMER" }] },
        { name: "ops", id: "00112233445566778899aabb", users: [] },
        {
          name: "ffeeddccbbaa998877665544",
          id: "ffeeddccbbaa998877665544",
          users: [{ username: "c", x509Type: "MANAGED" }],
        },
      ],
    });
  });

  it("reads a seed file: the default project's id, users and LDAP, and further projects", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "emulator-seed-"));
    const file = path.join(dir, "seed.json");
    writeFileSync(
      file,
      JSON.stringify({
        projectId: "0123456789abcdef01234567",
        users: ["orders-api:MANAGED", { username: "CN=Jane Doe,O=Corp", x509Type: "CUSTOMER" }],
        ldap: { hostname: "ldap.corp.example", authenticationEnabled: false },
        projects: [{ name: "pki", users: [{ username: "svc" }], customerX509: { cas: CA_PEM } }],
      }),
    );
    try {
      expect(run(["--seed", file, "--user", "extra"]).options).toEqual({
        port: 0,
        projectId: "0123456789abcdef01234567",
        ldap: { hostname: "ldap.corp.example", authenticationEnabled: false },
        seedUsers: [
          { username: "orders-api", x509Type: "MANAGED" },
          { username: "CN=Jane Doe,O=Corp", x509Type: "CUSTOMER" },
          { username: "extra", x509Type: "MANAGED" },
        ],
        projects: [{ name: "pki", users: [{ username: "svc", x509Type: "MANAGED" }], customerX509Cas: CA_PEM }],
      });
      for (const [content, message] of [
        ["{", /not valid JSON/],
        ["[]", /the top level must be a JSON object/],
        ['{"user": []}', /unknown key user/],
        ['{"users": ["a:ADMIN"]}', /users\[0\]: unknown user type ADMIN/],
        ['{"users": [{"username": ""}]}', /users\[0\]\.username must be a non-empty string/],
        ['{"projects": [{"name": "x", "id": "XYZ"}]}', /projects\[0\]\.id must be 24 lowercase hexadecimal/],
        ['{"projects": [{"name": "x", "customerX509": {"cas": "nope"}}]}', /customerX509\.cas must be PEM/],
      ] as const) {
        writeFileSync(file, content);
        expect(() => parseCliArgs(["--seed", file])).toThrow(message);
      }
      expect(() => parseCliArgs(["--seed", path.join(dir, "missing.json")])).toThrow(/cannot read it \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [["--user", "alice:ADMIN"], /unknown user type ADMIN/],
    [["--user", ":MANAGED"], /the username is empty/],
    [["--user", "a", "--user", "a:MANAGED"], /user a is given twice for the default project/],
    [["--port", "99999"], /--port must be an integer 0\.\.65535/],
    [["--port", "-1"], /--port must be an integer/],
    [["--key-bits", "1024"], /--key-bits must be 2048, 3072 or 4096/],
    [["--key-pool", "x"], /--key-pool must be an integer/],
    [["--rate-limit-refill", "5"], /--rate-limit-refill needs --rate-limit-capacity/],
    [["--rate-limit-capacity", "0"], /--rate-limit-capacity must be an integer 1\.\./],
    [["--project-id", "XYZ"], /--project-id must be 24 lowercase hexadecimal/],
    [["--project", "a b"], /a name is letters, digits/],
    [["--project", "x", "--project", "x"], /two projects are named x/],
    [["--unknown"], /unknown option --unknown/],
    [["--public-key"], /--public-key needs a value/],
    [["--public-key", "--port"], /--public-key needs a value/],
    [["--log=yes"], /--log takes no value/],
  ])("rejects %j with a clear message", (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it("quotes only values that need it", () => {
    const lines = environmentLines({
      baseUrl: "http://127.0.0.1:1",
      projectId: "0123456789abcdef01234567",
      credentials: { publicKey: "it's odd", privateKey: "a b", clientId: "mdb_sa_id_1", clientSecret: "s" },
      projects: { "billing-eu": "00112233445566778899aabb" },
    } as unknown as Parameters<typeof environmentLines>[0]);
    expect(lines).toEqual([
      "MONGODB_ATLAS_BASE_URL=http://127.0.0.1:1",
      "MONGODB_ATLAS_PUBLIC_API_KEY='it'\\''s odd'",
      "MONGODB_ATLAS_PRIVATE_API_KEY='a b'",
      "MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_1",
      "MONGODB_ATLAS_CLIENT_SECRET=s",
      "ATLAS_PROJECT_ID=0123456789abcdef01234567",
      "ATLAS_PROJECT_ID_BILLING_EU=00112233445566778899aabb",
    ]);
  });

  it("prints working credentials first, also into --write-env, with the flags' projects and users (in-process)", async () => {
    let output = "";
    const dir = mkdtempSync(path.join(os.tmpdir(), "emulator-env-"));
    const writeEnv = path.join(dir, "atlas.env");
    const emulator = (await runCli(
      [
        "--port",
        "0",
        "--key-bits",
        "2048",
        "--public-key",
        "clikey",
        "--seed-user",
        "zed:MANAGED",
        "--project",
        "billing",
        "--user",
        "CN=Jane Doe,O=Corp:CUSTOMER",
        "--write-env",
        writeEnv,
      ],
      (text) => (output += text),
    ))!;
    try {
      expect(readFileSync(writeEnv, "utf8")).toBe(output);
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
        "ATLAS_PROJECT_ID_BILLING",
      ]);
      const caller = new AtlasCaller({
        baseUrl: env.MONGODB_ATLAS_BASE_URL!,
        credentials: { publicKey: env.MONGODB_ATLAS_PUBLIC_API_KEY!, privateKey: env.MONGODB_ATLAS_PRIVATE_API_KEY! },
      });
      const user = (group: string, name: string) =>
        caller.call("GET", `/groups/${group}/databaseUsers/$external/${encodeURIComponent(name)}`);
      expect((await user(env.ATLAS_PROJECT_ID!, "zed")).status).toBe(200);
      expect(JSON.parse((await user(env.ATLAS_PROJECT_ID_BILLING!, "CN=Jane Doe,O=Corp")).text)).toMatchObject({
        x509Type: "CUSTOMER",
      });
      expect((await user(env.ATLAS_PROJECT_ID_BILLING!, "zed")).status).toBe(404);
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the compiled bin (`npm test` builds first) to its exit. */
  function runBin(argv: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [path.join(repoRoot, "dist", "emulator", "main.js"), ...argv], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
  }

  it("exits 2 with a clear message on a bad flag, and 0 with the usage on --help", async () => {
    const bad = await runBin(["--user", "svc:ADMIN"]);
    expect(bad).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'atlas-x509-emulator: --user "svc:ADMIN": unknown user type ADMIN (use MANAGED, CUSTOMER or NONE)\n' +
        "Run atlas-x509-emulator --help for the options.\n",
    });
    const help = await runBin(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: atlas-x509-emulator \[options\]/);
    for (const flag of [
      "--user",
      "--project",
      "--seed",
      "--key-bits",
      "--key-pool",
      "--rate-limit-capacity",
      "--write-env",
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it("runs as its own process until SIGTERM, then exits cleanly", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "emulator-bin-"));
    const envPath = path.join(dir, "atlas.env");
    // The compiled entry point, as the package's bin runs it (`npm test` builds first). --write-env through a real
    // node process: node itself must not take it for one of its own flags.
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, "dist", "emulator", "main.js"),
        "--port",
        "0",
        "--user",
        "svc:MANAGED",
        "--write-env",
        envPath,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
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
      expect(readFileSync(envPath, "utf8")).toBe(output);
      const baseUrl = /MONGODB_ATLAS_BASE_URL=(\S+)/.exec(output)![1]!;
      const projectId = /ATLAS_PROJECT_ID=(\S+)/.exec(output)![1]!;
      expect((await rawRequest(baseUrl, "GET", "/__emulator/health")).status).toBe(200);
      await expect(new EmulatorControl(baseUrl).issuedCertificates(projectId, "svc")).resolves.toEqual([]);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
