// Stacks and measurements: resources and their footprint in an exported state.

export interface StateResource {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export function stateResources(deployment: unknown, type: string): StateResource[] {
  const resources = (deployment as { resources?: StateResource[] } | undefined)?.resources ?? [];
  return resources.filter((r) => r.type === type);
}

/** `__provider` bytes and the resource's whole state entry (compact JSON) of the first resource of a type. */
export function footprintOf(deployment: unknown, type: string): { providerBytes: number; stateEntryBytes: number } {
  const [resource] = stateResources(deployment, type);
  if (!resource) throw new Error(`no ${type} in the exported state`);
  const provider = resource.outputs.__provider ?? resource.inputs.__provider;
  if (typeof provider !== "string") throw new Error(`__provider of ${type} is not a plain string`);
  return {
    providerBytes: Buffer.byteLength(provider),
    stateEntryBytes: Buffer.byteLength(JSON.stringify(resource)),
  };
}
