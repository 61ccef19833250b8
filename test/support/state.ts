// Reading an exported Pulumi deployment: resources by type, serialized providers, plain-text secret search.

export interface DeployedResource {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

export function resourcesOfType(deployment: unknown, type: string): DeployedResource[] {
  const resources = ((deployment as { resources?: DeployedResource[] } | undefined)?.resources ??
    []) as DeployedResource[];
  return resources.filter((r) => r.type === type);
}

/** The `__provider` strings of a type's resources, inputs and outputs (plain or the plaintext of a secret). */
export function providerStrings(deployment: unknown, type: string): string[] {
  return resourcesOfType(deployment, type).flatMap((r) =>
    [r.inputs.__provider, r.outputs.__provider].map((value) => {
      if (typeof value === "string") return value;
      throw new Error(`__provider of ${r.urn} is not a plain string: ${JSON.stringify(value).slice(0, 200)}`);
    }),
  );
}

/** Which of the needles appear in the text. Empty strings never match. */
export function findPlainSecrets(text: string, needles: readonly string[]): string[] {
  return needles.filter((needle) => needle.length > 0 && text.includes(needle));
}
