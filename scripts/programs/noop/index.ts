// Benchmark baseline: N dynamic resources whose provider does nothing, written the way a user writes an inline
// dynamic provider (an object literal of async functions, serialized by Pulumi into every resource's state).
// The engine, the dynamic-provider plugin and the state pay their usual costs; the provider adds none.
//
// Config: count (required). For the benchmark's profile only, payloadBytes and secretPayloadBytes give each
// resource a certificate's shape: as many outputs (six plain ones sharing payloadBytes, two secret ones sharing
// secretPayloadBytes), so a state entry of the same size, and a second exported array like the certificates'.
import * as pulumi from "@pulumi/pulumi";

interface NoopInputs {
  index: number;
  payloadBytes?: number;
  secretPayloadBytes?: number;
}

const noopProvider: pulumi.dynamic.ResourceProvider<NoopInputs> = {
  async create(inputs) {
    return { id: `noop-${inputs.index}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {},
};

/** The same, with outputs of a certificate's shape (profile only). */
const shapedProvider: pulumi.dynamic.ResourceProvider<NoopInputs> = {
  async create(inputs) {
    const outs: Record<string, unknown> = { ...inputs };
    const plain = inputs.payloadBytes ?? 0;
    const secret = inputs.secretPayloadBytes ?? 0;
    for (let i = 0; i < 6; i++) outs[`out${i}`] = "p".repeat(Math.floor(plain / 6) + (i < plain % 6 ? 1 : 0));
    outs.secretA = "s".repeat(Math.ceil(secret / 2));
    outs.secretB = "s".repeat(Math.floor(secret / 2));
    return { id: `noop-${inputs.index}`, outs };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {},
};

const shapedOutputs = ["out0", "out1", "out2", "out3", "out4", "out5", "secretA", "secretB"];

class Noop extends pulumi.dynamic.Resource {
  declare readonly index: pulumi.Output<number>;
  declare readonly out0: pulumi.Output<string | undefined>;
  constructor(name: string, args: NoopInputs, opts?: pulumi.CustomResourceOptions) {
    const shaped = Boolean(args.payloadBytes || args.secretPayloadBytes);
    const props = shaped ? { ...args, ...Object.fromEntries(shapedOutputs.map((k) => [k, undefined])) } : args;
    const secrets = shaped ? { additionalSecretOutputs: ["secretA", "secretB"] } : {};
    super(shaped ? shapedProvider : noopProvider, name, props, { ...opts, ...secrets }, "bench", "Noop");
  }
}

const config = new pulumi.Config();
const count = config.requireNumber("count");
const payloadBytes = config.getNumber("payloadBytes");
const secretPayloadBytes = config.getNumber("secretPayloadBytes");
const payload = { ...(payloadBytes && { payloadBytes }), ...(secretPayloadBytes && { secretPayloadBytes }) };
const resources = Array.from({ length: count }, (_, index) => new Noop(`noop-${index}`, { index, ...payload }));

export const ids = resources.map((r) => r.id);
export const firstOutputs = payloadBytes || secretPayloadBytes ? resources.map((r) => r.out0) : undefined;
