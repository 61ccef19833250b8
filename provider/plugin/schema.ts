// The provider plugin's Pulumi package schema (`pulumi package get-schema atlas-x509`): built from the resources'
// property tables and the settings table, so its names, types and secrecy cannot drift from the TypeScript code.
import { settingNames, settingSpecs } from "../config";
import { inputNames, pluginNames, type PropertySpec, type PropertyTable } from "../properties";
import { caCertificateSummaryProperties } from "../resources/customerX509Config";
import { pluginDownloadURL } from "./distribution";
import { packageName, resourceTypes } from "./resource-types";

interface SchemaProperty {
  type?: string;
  items?: { $ref: string };
  description: string;
  secret?: true;
  willReplaceOnChanges?: true;
}

/** Object types the resources' properties refer to by name. */
const objectTypes: Record<string, { description: string; properties: PropertyTable }> = {
  CaCertificateSummary: {
    description: "One CA certificate of a CustomerX509Config bundle.",
    properties: caCertificateSummaryProperties,
  },
};

/** The Go module of the generated Go SDK (sdk/go/go.mod). */
export const goModulePath = "pulumi-atlas-x509/sdk/go";

const typeToken = (name: string) => `${packageName}:index:${name}`;

function schemaProperty(spec: PropertySpec): SchemaProperty {
  const type =
    typeof spec.type === "string"
      ? { type: spec.type }
      : { type: "array", items: { $ref: `#/types/${typeToken(spec.type.arrayOf)}` } };
  return {
    ...type,
    description: spec.description,
    ...(spec.secret ? { secret: true as const } : {}),
    ...(spec.replaceOnChange ? { willReplaceOnChanges: true as const } : {}),
  };
}

function propertiesOf(table: PropertyTable, names: readonly string[]): Record<string, SchemaProperty> {
  return Object.fromEntries(names.map((name) => [name, schemaProperty(table[name])]));
}

/** The provider's settings, as stack config (`atlas-x509:<name>`) and as an explicit provider's inputs. */
const settingProperties: Record<string, SchemaProperty> = Object.fromEntries(
  settingNames.map((name) => {
    const spec: { type: string; description: string; secret?: true } = settingSpecs[name];
    const env = settingSpecs[name].env.join(" or ");
    return [
      name,
      {
        type: spec.type,
        description: `${spec.description} Default: the environment variable ${env}.`,
        ...(spec.secret ? { secret: true as const } : {}),
      },
    ];
  }),
);

/**
 * The names each language's SDK is imported by, and the code generators' options. No publisher, repository or
 * homepage: the project has none to name. Every SDK carries the schema's version (respectSchemaVersion), so the
 * engine asks for the plugin of the same release.
 */
const languages = {
  // The SDK the Go generator writes to sdk/go (supportPack: it writes sdk/go/go.mod too). The module path names
  // no host, since the project publishes none: a program requires it with a `replace` to a copy of sdk/go.
  go: {
    importBasePath: `${goModulePath}/atlasx509`,
    respectSchemaVersion: true,
  },
  // `import pulumi_atlas_x509 as atlas_x509`
  python: {
    packageName: "pulumi_atlas_x509",
    respectSchemaVersion: true,
    pyproject: { enabled: true },
  },
  // The npm package's own plugin route (`pulumi-atlas-x509/plugin`) serves TypeScript; a generated Node.js SDK
  // would have this name.
  nodejs: { packageName: "pulumi-atlas-x509", respectSchemaVersion: true },
  // `using Pulumi.AtlasX509;`, the generator's default layout, said explicitly.
  csharp: {
    rootNamespace: "Pulumi",
    namespaces: { [packageName]: "AtlasX509" },
    respectSchemaVersion: true,
  },
  // `import com.pulumi.atlasx509.ManagedX509Certificate;`, the generator's default layout, said explicitly.
  java: { basePackage: "com.pulumi", packages: { [packageName]: "atlasx509" } },
};

export function packageSchema(version: string): Record<string, unknown> {
  return {
    name: packageName,
    displayName: "MongoDB Atlas X.509",
    version,
    description:
      "MongoDB Atlas X.509 authentication for database users: Atlas-managed client certificates that rotate " +
      "before they expire, and a project's self-managed CA bundle, with drift detection on refresh.",
    keywords: ["pulumi", "mongodb", "atlas", "x509", "category/database", "kind/native"],
    license: "Apache-2.0",
    ...(pluginDownloadURL ? { pluginDownloadURL } : {}),
    // The generators write each SDK as a package of its own (Go: sdk/go/go.mod), versioned as the schema.
    meta: { supportPack: true },
    config: { variables: settingProperties },
    provider: {
      description:
        "The atlas-x509 provider: where to reach Atlas and with which credentials. Settings left unset fall back " +
        "to the environment; settings read from the environment never enter the state.",
      inputProperties: settingProperties,
    },
    resources: Object.fromEntries(
      resourceTypes.map((type) => {
        const outputs = pluginNames(type.properties);
        const inputs = inputNames(type.properties);
        return [
          type.token,
          {
            description: type.description,
            properties: propertiesOf(type.properties, outputs),
            required: outputs.filter((name) => !type.properties[name].optional),
            inputProperties: propertiesOf(type.properties, inputs),
            requiredInputs: inputs.filter((name) => type.properties[name].input === "required"),
          },
        ];
      }),
    ),
    types: Object.fromEntries(
      Object.entries(objectTypes).map(([name, { description, properties }]) => [
        typeToken(name),
        {
          type: "object",
          description,
          properties: propertiesOf(properties, Object.keys(properties)),
          required: Object.keys(properties),
        },
      ]),
    ),
    language: languages,
  };
}
