// The smallest program with a dynamic resource: proves the CLI, the engine and the dynamic-provider plugin work.
import * as pulumi from "@pulumi/pulumi";

interface EchoInputs {
  message: string;
}

const echoProvider: pulumi.dynamic.ResourceProvider<EchoInputs, EchoInputs> = {
  async create(inputs) {
    return { id: `echo-${inputs.message}`, outs: { message: inputs.message } };
  },
  async read(id, props) {
    return { id, props };
  },
};

class Echo extends pulumi.dynamic.Resource {
  declare readonly message: pulumi.Output<string>;
  constructor(name: string, args: { message: pulumi.Input<string> }) {
    super(echoProvider, name, { message: args.message }, {}, "smoke", "Echo");
  }
}

const config = new pulumi.Config();
const echo = new Echo("hello", { message: config.get("message") ?? "hello" });
export const message = echo.message;
export const nodeVersion = process.version;
