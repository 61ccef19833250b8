// What the benchmark measures: resource kinds, operations, profile variants, and the shape of the results.

export const kinds = ["managed", "customer", "noop"] as const;
export type Kind = (typeof kinds)[number];
export const typeOf: Record<Kind, string> = {
  managed: "pulumi-nodejs:dynamic/atlas:ManagedX509Certificate",
  customer: "pulumi-nodejs:dynamic/atlas:CustomerX509Config",
  noop: "pulumi-nodejs:dynamic/bench:Noop",
};
export const label: Record<Kind, string> = {
  managed: "ManagedX509Certificate",
  customer: "CustomerX509Config",
  noop: "no-op dynamic provider",
};

export const operations = ["preview", "create", "update", "refresh", "delete"] as const;
export type Operation = (typeof operations)[number];
export const opLabel: Record<Operation, string> = {
  preview: "preview",
  create: "up (create)",
  update: "up (no changes)",
  refresh: "refresh",
  delete: "destroy",
};

export interface ApiCalls {
  /** Authenticated requests. */
  calls: number;
  /** Digest challenges (401 before authentication), not in `calls`. */
  challenges: number;
  byEndpoint: Record<string, number>;
}

export type ProfileVariant =
  | "certificatesFreshKeys"
  | "certificates"
  | "noopSameShape"
  | "noop"
  | "noopSameShapeNoCheckpoints"
  | "noopNoCheckpoints";

export interface Results {
  quick: boolean;
  runs: number;
  machine: Record<string, string>;
  footprint: Record<Kind, { providerBytes: number; stateEntryBytes: number }>;
  /** A certificate's state entry by part: each output (JSON bytes, secrets as ciphertext), and all inputs. */
  certificateEntryParts: Record<string, number>;
  apiCalls: Record<Exclude<Kind, "noop">, Record<Operation, ApiCalls>>;
  /** By N: per-operation wall times (ms, every run) and the API calls of the certificate stack. */
  timing: Record<
    string,
    {
      ms: Record<"managed" | "noop", Record<Operation, number[]>>;
      cpuMs: Record<"managed" | "noop", Record<Operation, number[]>>;
      emulatorCpuMs: Record<Operation, number[]>;
      calls: Record<Operation, ApiCalls>;
      stateBytes: Record<"managed" | "noop", number>;
      loadAverage: number[];
    }
  >;
  plugin: Record<
    Kind,
    { bootMs: number[]; configureMs: number[]; firstCallMs: number[]; warmCallMs: number[]; firstAnswerMs: number[] }
  >;
  moduleLoad: { programImportMs: number[]; runtimeImportMs: number[] };
  profile: {
    n: number;
    ms: Record<ProfileVariant, Record<Operation, number[]>>;
    cpuMs: Record<ProfileVariant, Record<Operation, number[]>>;
    emulatorCpuMs: Record<ProfileVariant, Record<Operation, number[]>>;
    /** Median time the emulator took to answer POST certs. */
    postMs: { freshKeys: number; keyPool: number };
    stateEntryBytes: { managed: number; noopSameShape: number };
  };
}

export function emptyOps(): Record<Operation, number[]> {
  return { preview: [], create: [], update: [], refresh: [], delete: [] };
}

export function variantOps(): Record<ProfileVariant, Record<Operation, number[]>> {
  return {
    certificatesFreshKeys: emptyOps(),
    certificates: emptyOps(),
    noopSameShape: emptyOps(),
    noop: emptyOps(),
    noopSameShapeNoCheckpoints: emptyOps(),
    noopNoCheckpoints: emptyOps(),
  };
}
