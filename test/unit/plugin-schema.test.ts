// The plugin's schema as registry providers publish it: committed as schema.json exactly as `npm run generate`
// writes it, replacements marked where the diff replaces, each language's names, and nothing that would make a
// generated SDK copy credentials from the environment into provider inputs.
import * as fs from "node:fs";
import * as path from "node:path";
import { packageVersion } from "../../provider/atlas/version";
import { pluginDownloadURL } from "../../provider/plugin/distribution";
import { packageSchema } from "../../provider/plugin/schema";
import { diffCustomerX509Config, type CustomerX509ConfigOutputs } from "../../provider/resources/customerX509Config";
import {
  diffManagedCertificate,
  type ManagedX509CertificateOutputs,
} from "../../provider/resources/managedX509Certificate";
import { repoRoot } from "../../scripts/lib/repo-root";
import { SCHEMA_FILE, schemaText } from "../../scripts/lib/sdk-generation";
import { daysFromNow, makeCertificate } from "../../scripts/lib/pki";

interface SchemaProperty {
  willReplaceOnChanges?: boolean;
}
interface Schema {
  version: string;
  pluginDownloadURL?: string;
  meta?: { supportPack?: boolean };
  config: { variables: Record<string, object> };
  provider: { inputProperties: Record<string, object> };
  resources: Record<string, { inputProperties: Record<string, SchemaProperty>; properties: Record<string, object> }>;
  language: Record<string, Record<string, unknown>>;
}

const schema = packageSchema(packageVersion()) as unknown as Schema;
const projectId = "5f1a2b3c4d5e6f7a8b9c0d1e";

describe("schema.json", () => {
  it("is exactly what `npm run generate` writes from the property tables (run it after changing them)", () => {
    expect(fs.readFileSync(path.join(repoRoot, SCHEMA_FILE), "utf8")).toBe(schemaText());
  });

  it("carries the package's version, which every generated SDK keeps", () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    expect(schema.version).toBe(version);
    expect(schema.meta?.supportPack).toBe(true);
    for (const language of ["go", "python", "nodejs", "csharp"]) {
      expect(schema.language[language]?.respectSchemaVersion).toBe(true);
    }
  });

  it("names the plugin's download URL only when distribution.ts sets one, and no invented owner", () => {
    expect(schema.pluginDownloadURL).toBe(pluginDownloadURL);
    for (const key of ["publisher", "repository", "homepage"]) expect(schema).not.toHaveProperty(key);
  });

  it("names what each language imports", () => {
    expect(schema.language.go?.importBasePath).toBe("pulumi-atlas-x509/sdk/go/atlasx509");
    expect(schema.language.python?.packageName).toBe("pulumi_atlas_x509");
    expect(schema.language.nodejs?.packageName).toBe("pulumi-atlas-x509");
    expect(schema.language.csharp?.namespaces).toEqual({ "atlas-x509": "AtlasX509" });
    expect(schema.language.java?.packages).toEqual({ "atlas-x509": "atlasx509" });
  });

  it("has no defaultInfo: a generated SDK would read credentials from the environment into the provider's inputs", () => {
    expect(schemaText()).not.toContain("defaultInfo");
    expect(Object.keys(schema.provider.inputProperties).length).toBeGreaterThan(0);
  });
});

describe("willReplaceOnChanges", () => {
  const notAfter = daysFromNow(300).toISOString();
  const certificate: ManagedX509CertificateOutputs = {
    projectId,
    username: "app-service",
    monthsUntilExpiration: 12,
    renewBeforeDays: 30,
    certificatePem: "",
    privateKeyPem: "",
    serialNumber: "1",
    subject: "CN=app-service",
    notAfter,
  };
  const ca = makeCertificate({ commonName: "Corp Root CA" });
  const bundle: CustomerX509ConfigOutputs = {
    projectId,
    cas: ca.certificatePem,
    expiryWarningDays: 30,
    certificates: [],
    earliestNotAfter: notAfter,
  };
  // Another valid value for each argument.
  const changed: Record<string, unknown> = {
    projectId: "6a1b2c3d4e5f6a7b8c9d0e1f",
    username: "billing-worker",
    monthsUntilExpiration: 6,
    renewBeforeDays: 14,
    cas: makeCertificate({ commonName: "Other Root CA" }).certificatePem,
    expiryWarningDays: 10,
  };
  const resources: [string, object, (news: Record<string, unknown>) => string[]][] = [
    [
      "atlas-x509:index:ManagedX509Certificate",
      certificate,
      (news) => diffManagedCertificate(certificate, news as never, new Date()).replaces,
    ],
    ["atlas-x509:index:CustomerX509Config", bundle, (news) => diffCustomerX509Config(bundle, news as never).replaces],
  ];

  it.each(resources)("marks exactly the arguments of %s whose change the diff replaces", (token, olds, replaces) => {
    const inputs = schema.resources[token]!.inputProperties;
    for (const [name, property] of Object.entries(inputs)) {
      const news = { ...olds, [name]: changed[name] };
      expect({ name, replaces: replaces(news).includes(name) }).toEqual({
        name,
        replaces: property.willReplaceOnChanges === true,
      });
    }
    expect(Object.values(inputs).some((p) => p.willReplaceOnChanges)).toBe(true);
  });
});
