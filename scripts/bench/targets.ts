// Report: the targets the benchmark checks, with what was measured.

import type { Results } from "./model";
import { sizes } from "./options";
import { median } from "./stats";

export function targets(results: Results): { target: string; measured: string; met: boolean }[] {
  const at = sizes.includes(50) ? 50 : sizes[sizes.length - 1];
  const t = results.timing[at];
  const up = median(t.ms.managed.create) / median(t.ms.noop.create);
  const previews = sizes.map((n) => ({
    n,
    r: median(results.timing[n].ms.managed.preview) / median(results.timing[n].ms.noop.preview),
  }));
  const providers = (["managed", "customer"] as const).map((k) => results.footprint[k].providerBytes);
  const previewCalls = (["managed", "customer"] as const).map((k) => results.apiCalls[k].preview.calls);
  const createCalls = results.apiCalls.managed.create.calls;
  const customerCreate = results.apiCalls.customer.create.calls;
  return [
    {
      target: "`__provider` <= 1 KB per resource",
      measured: `${providers[0]} B (certificate), ${providers[1]} B (CA bundle)`,
      met: Math.max(...providers) <= 1024,
    },
    {
      target: "preview makes 0 API calls",
      measured: `${previewCalls[0]} (certificate), ${previewCalls[1]} (CA bundle)`,
      met: Math.max(...previewCalls) === 0,
    },
    {
      target: "create makes 1 API call",
      measured: `${createCalls} (certificate); CA bundle ${customerCreate} (reads, then PATCH)`,
      met: createCalls === 1,
    },
    {
      target: `\`up\` ratio to no-op <= 1.3 at N = ${at}`,
      measured: up.toFixed(2),
      met: up <= 1.3,
    },
    {
      target: "preview ratio to no-op <= 1.1",
      measured: previews.map((p) => `${p.r.toFixed(2)} (N = ${p.n})`).join(", "),
      met: previews.every((p) => p.r <= 1.1),
    },
  ];
}
