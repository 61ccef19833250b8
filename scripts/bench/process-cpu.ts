// CPU time of the benchmark process and of its finished children.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/**
 * CPU time (ms) of this process's finished child processes and theirs: the operation's runner, the `pulumi` CLI, the
 * engine, the program and the dynamic-provider plugin. Unlike wall time, other work on the machine hardly moves it.
 */
export function childrenCpuMs(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
}
const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** CPU time (ms) of this process: the emulator (key generation on the libuv pool included). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
