#!/usr/bin/env node
// pulumi-resource-atlas-x509: the provider plugin the Pulumi engine starts for the package atlas-x509. The engine
// runs it with its own address as the argument and reads the port of the plugin's gRPC server from stdout.
import { serve } from "./server";

serve().catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-atlas-x509: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
