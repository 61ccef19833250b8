// The live processes that belong to a folder (a project, a run's temporary folder), read from Linux's /proc:
// those running in it or naming it on their command line. For proving that no process outlives what started it.
import * as fs from "node:fs";

export interface ProcessEntry {
  pid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
  cwd: string;
}

/** Live processes (zombies excluded) whose working directory or command line lies under `folder`. */
export function processesUnder(folder: string): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readEntry(Number(name));
    if (entry && (isUnder(entry.cwd, folder) || entry.command.includes(folder))) found.push(entry);
  }
  return found;
}

/**
 * Polls `list` until it is empty or `timeoutMs` passed; returns what is left (empty: all gone). The deadline bounds
 * the wait for an event (processes exiting), it decides nothing by itself.
 */
export async function waitUntilGone(list: () => ProcessEntry[], timeoutMs: number): Promise<ProcessEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = list();
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** SIGKILL to each process that still runs. */
export function killAll(entries: readonly ProcessEntry[]): void {
  for (const { pid } of entries) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}

function readEntry(pid: number): ProcessEntry | undefined {
  try {
    // The state follows the parenthesized name in /proc/<pid>/stat; Z is a zombie, already dead.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return undefined;
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    return { pid, command, cwd: fs.readlinkSync(`/proc/${pid}/cwd`) };
  } catch {
    return undefined; // exited meanwhile, or another user's
  }
}

function isUnder(file: string, folder: string): boolean {
  return file === folder || file.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
}
