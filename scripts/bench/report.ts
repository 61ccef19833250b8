// Report: the targets the benchmark checks, and the measured section of BENCHMARKS.md as Markdown.

import {
  fmtMs,
  kinds,
  label,
  median,
  operations,
  opLabel,
  pluginSizes,
  profileSizes,
  ratio,
  secs,
  sizes,
  userCount,
  type ApiCalls,
  type Operation,
  type PluginTimes,
  type Results,
  type Variant,
} from "./measure";

export interface Target {
  target: string;
  measured: string;
  met: boolean;
  /** For a missed wall-time target: what the profile at that N says about why. */
  cause?: string;
}

const maxEntryBytes = 9 * 1024;

export function targets(results: Results): Target[] {
  const t = results.timing;
  const med = (n: number, v: Variant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(t[n][what][v]![op]);
  const wall = (n: number, op: Operation) => med(n, "managed", op) / med(n, "noop", op);
  const cause = (n: number, op: Operation): string | undefined => {
    if (!t[n]?.ms.shape) return undefined;
    const noCheckpoints = t[n].ms.shapeNoCheckpoints?.[op]?.length
      ? `; without checkpoints, shape ÷ no-op ${ratio(med(n, "shapeNoCheckpoints", op), med(n, "noopNoCheckpoints", op))}`
      : "";
    return (
      `no-op of a certificate's weight ÷ no-op ${ratio(med(n, "shape", op), med(n, "noop", op))}, certificates ÷ ` +
      `that ${ratio(med(n, "managed", op), med(n, "shape", op))} (CPU ` +
      `${ratio(med(n, "managed", op, "cpuMs"), med(n, "shape", op, "cpuMs"))})${noCheckpoints}`
    );
  };
  const list: Target[] = [];
  const entry = results.footprint.managed.stateEntryBytes;
  list.push({
    target: "certificate's state entry <= 9 KB",
    measured: `${entry} B (${(entry / 1024).toFixed(1)} KiB)`,
    met: entry <= maxEntryBytes,
  });
  const pluginEntry = results.footprint.managedPlugin.stateEntryBytes;
  list.push({
    target: "the provider plugin's certificate entry <= the dynamic one's",
    measured: `${pluginEntry} B (plugin), ${entry} B (dynamic)`,
    met: pluginEntry <= entry,
  });
  const findings = results.pluginStateFindings;
  list.push({
    target: "the provider plugin's state holds no `__provider`, no credential, no plaintext key",
    measured: findings.length > 0 ? findings.join(", ") : "none of them",
    met: findings.length === 0,
  });
  const providers = (["managed", "customer"] as const).map((k) => results.footprint[k].providerBytes);
  list.push({
    target: "`__provider` <= 1 KB per resource",
    measured: `${providers[0]} B (certificate), ${providers[1]} B (CA bundle)`,
    met: Math.max(...providers) <= 1024,
  });
  const previewCalls = (["managed", "customer"] as const).map((k) => results.apiCalls[k].preview.calls);
  list.push({
    target: "preview makes 0 API calls",
    measured: `${previewCalls[0]} (certificate), ${previewCalls[1]} (CA bundle)`,
    met: Math.max(...previewCalls) === 0,
  });
  list.push({
    target: "create makes 1 API call",
    measured: `${results.apiCalls.managed.create.calls} (certificate); CA bundle ${results.apiCalls.customer.create.calls} (reads, then PATCH)`,
    met: results.apiCalls.managed.create.calls === 1,
  });
  const ratioTargets: [Operation, number, number][] = [
    ["create", 50, 1.3],
    ["create", 100, 1.5],
    ["delete", 100, 1.3],
  ];
  for (const [op, n, max] of ratioTargets.filter(([, n]) => t[n])) {
    const r = wall(n, op);
    list.push({
      target: `\`${opLabel[op]}\` <= ${max} × no-op at N = ${n}`,
      measured: r.toFixed(2),
      met: r <= max,
      cause: cause(n, op),
    });
  }
  for (const op of ["preview", "update", "refresh"] as const) {
    const rs = sizes.map((n) => ({ n, r: wall(n, op) }));
    const worst = rs.reduce((a, b) => (b.r > a.r ? b : a));
    list.push({
      target: `\`${opLabel[op]}\` <= 1.15 × no-op`,
      measured: rs.map(({ n, r }) => `${r.toFixed(2)} (N = ${n})`).join(", "),
      met: rs.every(({ r }) => r <= 1.15),
      cause: cause(worst.n, op),
    });
  }
  if (sizes.length > 1) {
    const g = growth(results, "create");
    const r = g.managed / g.noop;
    const [a, b] = profileSizes;
    const shapeSlope = (med(b, "shape", "create") - med(a, "shape", "create")) / (b - a);
    const noopSlope = (med(b, "noop", "create") - med(a, "noop", "create")) / (b - a);
    list.push({
      target: "growth per added certificate in `up` <= 2 × a no-op resource's",
      measured: `${g.managed.toFixed(1)} ÷ ${g.noop.toFixed(1)} ms = ${r.toFixed(2)}`,
      met: r <= 2,
      cause:
        `between N = ${a} and ${b}, a no-op of a certificate's weight adds ${shapeSlope.toFixed(1)} ms per resource, ` +
        `a no-op ${noopSlope.toFixed(1)} ms`,
    });
  }
  return list;
}

/** The parts of the plugin certificate's entry that the dynamic one lacks, with their bytes. */
function onlyInPluginEntry(results: Results): string {
  const extra = Object.entries(results.pluginCertificateEntryParts).filter(
    ([key]) => !(key in results.certificateEntryParts),
  );
  return extra.length > 0 ? extra.map(([key, bytes]) => `\`${key}\` ${bytes}`).join(", ") : "none";
}

/** The plugin route's certificates next to the dynamic ones and the no-op resources, from the same runs. */
function pluginRoute(
  results: Results,
  push: (...text: string[]) => void,
  row: (...cells: (string | number)[]) => void,
): void {
  for (const n of pluginSizes) {
    const t = results.timing[n];
    const med = (v: Variant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(t[what][v]![op]);
    const calls = (c: ApiCalls | undefined) => (c ? `${c.calls}${c.challenges ? ` (+${c.challenges} 401)` : ""}` : "-");
    push(
      "",
      `### Provider plugin: N = ${n} certificates next to the dynamic resources`,
      "",
      `In the same runs as the wall-time table: the same ${n} certificates ([\`scripts/programs/managed\`]` +
        "(scripts/programs/managed/index.ts) with `route: plugin`, `pulumi-atlas-x509/plugin`), served by the provider plugin " +
        "`pulumi-resource-atlas-x509`, which the engine starts from the project's `node_modules/.bin` (a `plugins:` " +
        "entry in `Pulumi.yaml`) with the stack's `atlas-x509:*` settings. Ratios of medians against the same " +
        "no-op stack.",
      "",
      "| Operation | no-op wall | dynamic wall | plugin wall | dynamic ÷ no-op | plugin ÷ no-op | plugin ÷ dynamic | plugin ÷ no-op, CPU | Atlas calls, plugin (+401) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const op of operations) {
      const [noop, dynamic, plugin] = (["noop", "managed", "managedPlugin"] as const).map((v) => med(v, op));
      row(
        opLabel[op],
        secs(noop),
        secs(dynamic),
        secs(plugin),
        ratio(dynamic, noop),
        `**${ratio(plugin, noop)}**`,
        `**${ratio(plugin, dynamic)}**`,
        ratio(med("managedPlugin", op, "cpuMs"), med("noop", op, "cpuMs")),
        calls(t.pluginCalls?.[op]),
      );
    }
    const kib = (bytes: number | undefined) => `${((bytes ?? 0) / 1024).toFixed(0)} KiB`;
    push(
      "",
      `Whole exported state at N = ${n}: ${kib(t.stateBytes.managedPlugin)} through the plugin, ` +
        `${kib(t.stateBytes.managed)} through the dynamic resources (no-op ${kib(t.stateBytes.noop)}).`,
    );
  }
}

/** Added ms per added resource between the smallest and the largest N. */
function growth(results: Results, op: Operation): Record<"managed" | "noop", number> {
  const lo = sizes[0];
  const hi = sizes[sizes.length - 1];
  const slope = (v: "managed" | "noop") =>
    (median(results.timing[hi].ms[v]![op]) - median(results.timing[lo].ms[v]![op])) / (hi - lo);
  return { managed: slope("managed"), noop: slope("noop") };
}

export function markdown(results: Results): string {
  const m = results.machine;
  const k = results.keyGeneration;
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);
  const calls = (c: ApiCalls | undefined) => (c ? `${c.calls}${c.challenges ? ` (+${c.challenges} 401)` : ""}` : "-");
  const row = (...cells: (string | number)[]) => push(`| ${cells.join(" | ")} |`);

  push(
    `Measured ${m.date.slice(0, 10)} with \`${m.command}\` (${results.runs} run(s) per figure, medians), ` +
      `certificates with ${k.keyBits}-bit keys.`,
    "",
    "| Machine | |",
    "| --- | --- |",
    `| CPU | ${m.cpu}, \`nproc\` ${m.nproc} |`,
    `| Memory | ${m.memory} |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| Pulumi | CLI ${m.pulumi}, \`@pulumi/pulumi\` ${m.pulumiSdk} |`,
    `| Load average (1, 5, 15 min) | ${m.loadAverageAtStart} at the start, ${m.loadAverageAtEnd} at the end; per N below |`,
    "",
    "### Targets",
    "",
    "| Target | Measured | | Where the time goes (same N) |",
    "| --- | --- | --- | --- |",
  );
  for (const t of targets(results)) row(t.target, t.measured, t.met ? "met" : "**missed**", t.cause ?? "");

  push(
    "",
    "### State footprint per resource",
    "",
    "| Resource | `__provider` (bytes) | state entry (bytes) |",
    "| --- | ---: | ---: |",
  );
  for (const kind of kinds) {
    const { providerBytes, stateEntryBytes } = results.footprint[kind];
    row(label[kind], kind === "managedPlugin" && providerBytes === 0 ? "none" : providerBytes, stateEntryBytes);
  }
  const largestParts = (parts: Record<string, number>) =>
    Object.entries(parts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([key, bytes]) => `\`${key}\` ${bytes}`)
      .join(", ");
  const providerResources = results.providerResourceBytes;
  push(
    "",
    "`__provider` is stored twice per resource (inputs and outputs); the state entry is the resource's compact JSON " +
      "in `pulumi stack export` (secrets as ciphertext), both copies of `__provider` included.",
    "",
    `A certificate's entry: ${largestParts(results.certificateEntryParts)} bytes; the rest is ids, URNs and metadata.`,
    "",
    `Through the provider plugin: ${largestParts(results.pluginCertificateEntryParts)} bytes; no \`__provider\`; ` +
      `outputs only this route stores (the plugin derives them from the certificate, the dynamic resource class in ` +
      `the program): ${onlyInPluginEntry(results)}; and a reference to the provider resource. Once per stack, each ` +
      "route's default provider resource: " +
      `\`pulumi:providers:atlas-x509\` ${providerResources.plugin} bytes (its settings, the private key as ` +
      `ciphertext), \`pulumi:providers:pulumi-nodejs\` ${providerResources.dynamic} bytes.`,
    "",
    "### Atlas API calls per operation, one resource",
    "",
    "Authenticated calls from the emulator's request log; digest challenges (401 before authentication) apart.",
    "",
    `| Resource | ${operations.map((op) => opLabel[op]).join(" | ")} |`,
    `| --- | ${operations.map(() => "---:").join(" | ")} |`,
  );
  for (const kind of ["managed", "managedPlugin", "customer"] as const) {
    row(label[kind], ...operations.map((op) => calls(results.apiCalls[kind][op])));
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
      .filter(([key]) => key.startsWith("GET ") && key.endsWith("/certs"))
      .reduce((s, [, v]) => s + v, 0);
    row(n, list, c.calls - list, c.challenges);
  }

  push(
    "",
    "### Wall time: N certificates next to N no-op dynamic resources",
    "",
    "Medians. Wall: the `pulumi` operation (Automation API, real CLI, file backend). CPU: the whole process tree " +
      "of the operation (runner, CLI, engine, program, plugin; fixed costs included), which other work on the " +
      "machine hardly moves. Emulator CPU: Atlas's side (signing; keys come from the pool), on the same cores.",
    "",
    "| N | Operation | no-op wall | certificates wall | wall ratio | CPU ratio | emulator CPU | Atlas calls (+401) |",
    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const n of sizes) {
    const t = results.timing[n];
    for (const op of operations) {
      const a = median(t.ms.managed![op]);
      const b = median(t.ms.noop![op]);
      const cpu = ratio(median(t.cpuMs.managed![op]), median(t.cpuMs.noop![op]));
      row(
        n,
        opLabel[op],
        secs(b),
        secs(a),
        `**${ratio(a, b)}**`,
        cpu,
        secs(median(t.emulatorCpuMs[op])),
        calls(t.calls[op]),
      );
    }
  }
  push(
    "",
    `Load average (1 min) when each N started: ${sizes.map((n) => `N = ${n}: ${results.timing[n].loadAverage[0].toFixed(2)}`).join(", ")}.`,
    "",
    `Atlas's key generation, kept out of these times: the emulator generated ${k.keys} ${k.keyBits}-bit RSA keys at ` +
      `its start in ${secs(k.wallMs)} (${secs(k.cpuMs)} of CPU, ${fmtMs(k.cpuMs / k.keys)} per key) and hands them ` +
      `out in turn, every certificate still distinct. Generating a key per certificate on these cores would add ` +
      `about ${secs((50 * k.cpuMs) / k.keys)} of CPU to \`up\` of 50 certificates; Atlas does it on its servers.`,
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
      const g = growth(results, op);
      row(opLabel[op], g.managed.toFixed(1), g.noop.toFixed(1));
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

  for (const n of profileSizes) {
    const t = results.timing[n];
    const med = (v: Variant, op: Operation, what: "ms" | "cpuMs" = "ms") => median(t[what][v]![op]);
    push(
      "",
      `### Where the time goes, N = ${n}`,
      "",
      "In the same runs: N no-op resources of a certificate's shape (as much secret data, a state entry of " +
        `${t.shapeEntryBytes} bytes; a certificate's: ${results.footprint.managed.stateEntryBytes}). Shape ÷ no-op ` +
        "is what the engine and the SDK charge for a resource that heavy; certificates ÷ shape is what this " +
        "provider's code adds.",
      "",
      "| Operation | same shape | shape ÷ no-op | certificates ÷ shape | certificates ÷ shape, CPU |",
      "| --- | ---: | ---: | ---: | ---: |",
    );
    for (const op of operations) {
      const [noop, shape, certificates] = (["noop", "shape", "managed"] as const).map((v) => med(v, op));
      const cpu = ratio(med("managed", op, "cpuMs"), med("shape", op, "cpuMs"));
      row(opLabel[op], secs(shape), ratio(shape, noop), `**${ratio(certificates, shape)}**`, cpu);
    }
    push(
      "",
      "Without checkpoints (`PULUMI_SKIP_CHECKPOINTS=true`: the engine writes the state once at the end instead of " +
        "after every step), shape ÷ no-op becomes: " +
        (["create", "delete"] as const)
          .map(
            (op) =>
              `${opLabel[op]} ${secs(med("shapeNoCheckpoints", op))} ÷ ${secs(med("noopNoCheckpoints", op))} = ` +
              `${ratio(med("shapeNoCheckpoints", op), med("noopNoCheckpoints", op))} (with: ${ratio(med("shape", op), med("noop", op))})`,
          )
          .join(", ") +
        ".",
    );
  }

  pluginRoute(results, push, row);

  push("", ...pluginFirstCallSection(results));
  return lines.join("\n");
}

/** Measurement 5 (scripts/bench/plugin-first-call.ts) as Markdown: also what `--plugin-first-call-only` prints. */
export function pluginFirstCallSection(results: Results): string[] {
  const lines: string[] = [];
  const push = (...text: string[]) => lines.push(...text);
  const noopPlugin = median(results.plugin.noop.firstAnswerMs);
  const timesRow = (name: string, p: PluginTimes) =>
    push(
      `| ${[
        name,
        fmtMs(median(p.bootMs)),
        fmtMs(median(p.configureMs)),
        fmtMs(median(p.bootMs.map((boot, i) => boot + p.configureMs[i]))),
        fmtMs(median(p.firstCallMs)),
        `${median(p.warmCallMs).toFixed(1)} ms`,
        fmtMs(median(p.firstAnswerMs)),
        `**${ratio(median(p.firstAnswerMs), noopPlugin)}**`,
      ].join(" | ")} |`,
    );
  push(
    "### Plugin: time until it answers its first call",
    "",
    "The real plugin started in the user's project and driven over gRPC as the engine drives it: Configure, then " +
      "Check of one resource with its inputs from the state. The dynamic resources' plugin " +
      "(`pulumi-resource-pulumi-nodejs`) loads the provider on that Check, from the `__provider` string; the provider " +
      "plugin (`pulumi-resource-atlas-x509`, this package's `bin`, and the single executable of its release archive) " +
      "loads it at its start, before it listens.",
    "",
    "| Provider | boot (spawn to listening) | Configure | spawn to Configure answered | first Check | warm Check | spawn to first Check answered | ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const kind of kinds) timesRow(label[kind], results.plugin[kind]);
  timesRow(`${label.managedPlugin}, release executable`, results.release.firstCall);
  const dynamicFirst = median(results.plugin.managed.firstAnswerMs);
  const pluginFirst = median(results.plugin.managedPlugin.firstAnswerMs);
  const executableFirst = median(results.release.firstCall.firstAnswerMs);
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  push(
    "",
    `The certificate's first answer through the provider plugin ÷ through the dynamic resources' plugin: ` +
      `${fmtMs(pluginFirst)} ÷ ${fmtMs(dynamicFirst)} = **${ratio(pluginFirst, dynamicFirst)}**; the release's ` +
      `executable ÷ the npm package's \`bin\`: ${fmtMs(executableFirst)} ÷ ${fmtMs(pluginFirst)} = ` +
      `**${ratio(executableFirst, pluginFirst)}**.`,
    "",
    `The release archive (\`npm run release\`) is ${mb(results.release.archiveBytes)}; the executable in it ` +
      `${mb(results.release.executableBytes)}, of which the Node.js binary is most.`,
    "",
    `In-process, after \`@pulumi/pulumi\` is loaded: \`require("pulumi-atlas-x509")\` (the program) ` +
      `${median(results.moduleLoad.programImportMs).toFixed(1)} ms, \`require("pulumi-atlas-x509/runtime")\` (the ` +
      `plugin) ${median(results.moduleLoad.runtimeImportMs).toFixed(1)} ms, \`require("pulumi-atlas-x509/plugin")\` ` +
      `(a program on the plugin route) ${median(results.moduleLoad.pluginProgramImportMs).toFixed(1)} ms.`,
  );
  return lines;
}
