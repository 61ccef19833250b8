// Report: the measured section of BENCHMARKS.md, as Markdown.

import { fmtMs, secs } from "./format";
import {
  kinds,
  label,
  opLabel,
  operations,
  type ApiCalls,
  type Operation,
  type ProfileVariant,
  type Results,
} from "./model";
import { sizes, userCount } from "./options";
import { median } from "./stats";
import { targets } from "./targets";

export function markdown(results: Results): string {
  const m = results.machine;
  const p = results.profile;
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const calls = (c: ApiCalls | undefined) => (c ? `${c.calls}${c.challenges ? ` (+${c.challenges} 401)` : ""}` : "-");

  push(
    `Measured ${m.date.slice(0, 10)} with \`${m.command}\` (${results.runs} run(s) per figure, medians).`,
    "",
    `| Machine | |`,
    `| --- | --- |`,
    `| CPU | ${m.cpu}, \`nproc\` ${m.nproc} |`,
    `| Memory | ${m.memory} |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| Pulumi | CLI ${m.pulumi}, \`@pulumi/pulumi\` ${m.pulumiSdk} |`,
    `| Load average (1, 5, 15 min) | ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end; per N below |`,
    "",
    "### Targets",
    "",
    "| Target | Measured | |",
    "| --- | --- | --- |",
  );
  for (const t of targets(results)) push(`| ${t.target} | ${t.measured} | ${t.met ? "met" : "**missed**"} |`);

  push(
    "",
    "### State footprint per resource",
    "",
    "| Resource | `__provider` (bytes) | state entry (bytes) |",
    "| --- | ---: | ---: |",
  );
  for (const kind of kinds) {
    const f = results.footprint[kind];
    push(`| ${label[kind]} | ${f.providerBytes} | ${f.stateEntryBytes} |`);
  }
  push(
    "",
    "`__provider` is stored twice per resource (inputs and outputs); the state entry is the resource's compact JSON " +
      "in `pulumi stack export` (secrets as ciphertext), both copies of `__provider` included.",
    "",
    `A certificate's entry: ${Object.entries(results.certificateEntryParts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, bytes]) => `\`${key}\` ${bytes}`)
      .join(", ")} bytes; the rest is ids, URNs and metadata.`,
    "",
    "### Atlas API calls per operation, one resource",
    "",
    "Authenticated calls from the emulator's request log; digest challenges (401 before authentication) apart.",
    "",
    `| Resource | ${operations.map((op) => opLabel[op]).join(" | ")} |`,
    `| --- | ${operations.map(() => "---:").join(" | ")} |`,
  );
  for (const kind of ["managed", "customer"] as const) {
    push(`| ${label[kind]} | ${operations.map((op) => calls(results.apiCalls[kind][op])).join(" | ")} |`);
  }
  push(
    "",
    `### Refresh of N certificates of ${userCount} users`,
    "",
    "| N | list calls | other calls | 401 challenges |",
    "| ---: | ---: | ---: | ---: |",
  );
  for (const n of sizes) {
    const c = results.timing[n].calls.refresh;
    const list = Object.entries(c.byEndpoint)
      .filter(([k]) => k.startsWith("GET ") && k.endsWith("/certs"))
      .reduce((s, [, v]) => s + v, 0);
    push(`| ${n} | ${list} | ${c.calls - list} | ${c.challenges} |`);
  }

  push(
    "",
    "### Wall time: N certificates next to N no-op dynamic resources",
    "",
    "Medians. Wall: the `pulumi` operation (Automation API, real CLI, file backend). CPU: the whole process tree " +
      "of the operation (runner, CLI, engine, program, plugin; fixed costs included), which other work on the " +
      "machine hardly moves. Emulator CPU: Atlas's side (key generation, signing), on the same cores.",
    "",
    "| N | Operation | no-op wall | certificates wall | wall ratio | CPU ratio | emulator CPU | Atlas calls (+401) |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const n of sizes) {
    const t = results.timing[n];
    for (const op of operations) {
      const a = median(t.ms.managed[op]);
      const b = median(t.ms.noop[op]);
      const cpu = ratio(median(t.cpuMs.managed[op]), median(t.cpuMs.noop[op]));
      push(
        `| ${n} | ${opLabel[op]} | ${secs(b)} | ${secs(a)} | **${ratio(a, b)}** | ${cpu} | ` +
          `${secs(median(t.emulatorCpuMs[op]))} | ${calls(t.calls[op])} |`,
      );
    }
  }
  push(
    "",
    `Load average (1 min) when each N started: ${sizes.map((n) => `N = ${n}: ${results.timing[n].loadAverage[0].toFixed(2)}`).join(", ")}.`,
  );
  if (sizes.length > 1) {
    const lo = sizes[0];
    const hi = sizes[sizes.length - 1];
    push(
      "",
      `Growth: added milliseconds per added resource between N = ${lo} and N = ${hi} (fixed cost = time at N = ${lo}).`,
      "",
      "| Operation | certificates (ms/resource) | no-op (ms/resource) |",
      "| --- | ---: | ---: |",
    );
    for (const op of operations) {
      const slope = (kind: "managed" | "noop") =>
        ((median(results.timing[hi].ms[kind][op]) - median(results.timing[lo].ms[kind][op])) / (hi - lo)).toFixed(1);
      push(`| ${opLabel[op]} | ${slope("managed")} | ${slope("noop")} |`);
    }
    push(
      "",
      `Whole exported state: ${sizes
        .map(
          (n) =>
            `N = ${n}: ${(results.timing[n].stateBytes.managed / 1024).toFixed(0)} KiB ` +
            `(no-op ${(results.timing[n].stateBytes.noop / 1024).toFixed(0)} KiB)`,
        )
        .join("; ")}.`,
    );
  }

  const noopPlugin = median(results.plugin.noop.firstAnswerMs);
  push(
    "",
    "### Plugin: time until it answers its first call",
    "",
    "The real plugin (`pulumi-resource-pulumi-nodejs`) started in the user's project and driven over gRPC as the " +
      "engine drives it: Configure, then Check of one resource whose `__provider` is the string from the state.",
    "",
    "| Provider | boot (spawn to listening) | Configure | first Check (loads the provider) | warm Check | spawn to first answer | ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const kind of kinds) {
    const p = results.plugin[kind];
    push(
      `| ${label[kind]} | ${fmtMs(median(p.bootMs))} | ${fmtMs(median(p.configureMs))} | ${fmtMs(median(p.firstCallMs))} | ` +
        `${median(p.warmCallMs).toFixed(1)} ms | ${fmtMs(median(p.firstAnswerMs))} | **${ratio(median(p.firstAnswerMs), noopPlugin)}** |`,
    );
  }
  push(
    "",
    `In-process, after \`@pulumi/pulumi\` is loaded: \`require("pulumi-atlas-x509")\` (the program) ` +
      `${median(results.moduleLoad.programImportMs).toFixed(1)} ms, \`require("pulumi-atlas-x509/runtime")\` (the ` +
      `plugin) ${median(results.moduleLoad.runtimeImportMs).toFixed(1)} ms.`,
    "",
    `### Where the time goes, N = ${results.profile.n}`,
    "",
    "Stacks of N resources in the same run: no-op; no-op of a certificate's shape (as many outputs, two of them " +
      `secret, a state entry of ${p.stateEntryBytes.noopSameShape} bytes; a certificate's: ` +
      `${p.stateEntryBytes.managed}); certificates against an emulator that hands out pre-generated keys. ` +
      "Shape ÷ no-op is what the engine and the SDK charge for a resource of that shape; certificates ÷ shape is " +
      "what this provider adds.",
    "",
    "| Operation | no-op | same shape | certificates | shape ÷ no-op | certificates ÷ shape | certificates ÷ shape, CPU | certificates ÷ no-op |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  const med = (variant: ProfileVariant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(p[what][variant][op]);
  for (const op of operations) {
    push(
      `| ${opLabel[op]} | ${secs(med("noop", op))} | ${secs(med("noopSameShape", op))} | ` +
        `${secs(med("certificates", op))} | ${ratio(med("noopSameShape", op), med("noop", op))} | ` +
        `**${ratio(med("certificates", op), med("noopSameShape", op))}** | ` +
        `${ratio(med("certificates", op, "cpuMs"), med("noopSameShape", op, "cpuMs"))} | ` +
        `${ratio(med("certificates", op), med("noop", op))} |`,
    );
  }
  push(
    "",
    `With a fresh 2048-bit key per certificate (the emulator as it is, like Atlas), the same up took ` +
      `${secs(med("certificatesFreshKeys", "create"))} (÷ no-op ${ratio(med("certificatesFreshKeys", "create"), med("noop", "create"))}), ` +
      `of which the emulator used ${secs(median(p.emulatorCpuMs.certificatesFreshKeys.create))} of CPU ` +
      `(${secs(median(p.emulatorCpuMs.certificates.create))} with pooled keys). Median POST certs: ` +
      `${fmtMs(p.postMs.freshKeys)} generating the key, ${fmtMs(p.postMs.keyPool)} with pooled keys.`,
    "",
    "Without checkpoints (`PULUMI_SKIP_CHECKPOINTS=true`: the engine writes the state once at the end instead of " +
      "after every step), shape ÷ no-op becomes: " +
      (["create", "delete"] as const)
        .map(
          (op) =>
            `${opLabel[op]} ${secs(med("noopSameShapeNoCheckpoints", op))} ÷ ${secs(med("noopNoCheckpoints", op))} = ` +
            `${ratio(med("noopSameShapeNoCheckpoints", op), med("noopNoCheckpoints", op))}`,
        )
        .join(", ") +
      ` (with checkpoints: ${(["create", "delete"] as const).map((op) => ratio(med("noopSameShape", op), med("noop", op))).join(", ")}).`,
  );
  return lines.join("\n");
}
