// The provider plugin's answers to an engine that handshakes, called as the engine calls them: Handshake takes the
// engine's address for warnings and asks for plain values, as Configure does; a handshaking engine then calls Create
// and Update in previews too, and those answer from the inputs without a request to Atlas.
import type * as providerTypes from "@pulumi/pulumi/proto/provider_pb";
import { startEmulator, type Emulator } from "../../emulator";
import { engineAddress } from "../../provider/engine-address";
import { AtlasX509ProviderService } from "../../provider/plugin/server";
import { caller, struct } from "../support/plugin-service";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the protobuf classes of the engine's requests
const proto = require("@pulumi/pulumi/proto/provider_pb") as typeof providerTypes;

const urn = "urn:pulumi:dev::project::atlas-x509:index:ManagedX509Certificate::app";
let emulator: Emulator;
let call: ReturnType<typeof caller>;

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "app-service", x509Type: "MANAGED" }] });
  call = caller(new AtlasX509ProviderService(async () => undefined));
});
afterAll(() => emulator.close());

it("Handshake takes the engine's address and asks for plain values, no secrets, resources, outputs or bytes", async () => {
  const request = new proto.ProviderHandshakeRequest().setEngineAddress("127.0.0.1:40123");
  const response = await call<providerTypes.ProviderHandshakeResponse>("handshake", request);
  expect(engineAddress()).toBe("127.0.0.1:40123");
  expect(response.toObject()).toMatchObject({
    acceptSecrets: false,
    acceptResources: false,
    acceptOutputs: false,
    acceptsByteString: false,
  });
});

it("after Handshake, previews of Create and Update answer the inputs and send Atlas nothing", async () => {
  await call(
    "configure",
    new proto.ConfigureRequest().setArgs(struct({ baseUrl: emulator.baseUrl, ...emulator.credentials })),
  );
  await emulator.control.resetRequests();
  const inputs = { projectId: emulator.projectId, username: "app-service", monthsUntilExpiration: 3 };
  const created = await call<providerTypes.CreateResponse>(
    "create",
    new proto.CreateRequest().setUrn(urn).setProperties(struct(inputs)).setPreview(true),
  );
  expect(created.getProperties()?.toJavaScript()).toEqual(inputs);
  const news = { ...inputs, renewBeforeDays: 14 };
  const updated = await call<providerTypes.UpdateResponse>(
    "update",
    new proto.UpdateRequest().setUrn(urn).setId("id").setOlds(struct(inputs)).setNews(struct(news)).setPreview(true),
  );
  expect(updated.getProperties()?.toJavaScript()).toEqual(news);
  expect(await emulator.control.requests()).toEqual([]);
});
