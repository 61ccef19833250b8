// The Pulumi CLI used by the benchmark, and a description of the machine it runs on.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../lib/engine";
import { args } from "./options";

export function pulumiBin(): string {
  const binDir = execFileSync(path.join(repoRoot, "scripts", "ensure-pulumi-cli"), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  process.env.PULUMI_CLI_BIN_DIR = binDir;
  return binDir;
}

export function machine(binDir: string): Record<string, string> {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const meminfo = fs.existsSync("/proc/meminfo") ? fs.readFileSync("/proc/meminfo", "utf8") : "";
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? os.totalmem() / 1024);
  const pulumiSdk = JSON.parse(
    fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  return {
    date: new Date().toISOString(),
    command: `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`,
    nproc: execFileSync("nproc", { encoding: "utf8" }).trim(),
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? os.cpus()[0]?.model ?? "unknown",
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    pulumi: execFileSync(path.join(binDir, "pulumi"), ["version"], { encoding: "utf8" }).trim(),
    pulumiSdk: pulumiSdk.version,
    loadAverageAtStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}
