// Certs list pagination past 500 (bulk-seeded through the control API), query validation, and list churn.
import { startEmulator, type Emulator } from "../../emulator/index";
import { AtlasCaller, json, specErrors } from "../support/atlas-http";

let emulator: Emulator;
let atlas: AtlasCaller;
let certs: string;
const SEEDED = 520;

interface Page {
  links: Array<{ href: string; rel: string }>;
  results: Array<{ _id: number; createdAt: string }>;
  totalCount?: number;
}

beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048, seedUsers: [{ username: "many", x509Type: "MANAGED" }] });
  atlas = new AtlasCaller(emulator);
  certs = `/groups/${emulator.projectId}/databaseUsers/many/certs`;
  await emulator.control.seedCertificates(emulator.projectId, "many", SEEDED, 12);
});
afterAll(() => emulator.close());

/** Serials straight from the JSON text: the parsed numbers are not exact above 2^53. */
const idsOf = (text: string) => [...text.matchAll(/"_id":(\d+)/g)].map((m) => m[1]!);

describe("certs list pagination", () => {
  it("pages past 500 with itemsPerPage=500, next and previous links", async () => {
    const first = await atlas.call("GET", `${certs}?itemsPerPage=500`);
    expect(first.status).toBe(200);
    expect(specErrors(first)).toEqual([]);
    const page1 = json(first) as unknown as Page;
    expect(page1.results).toHaveLength(500);
    expect(page1.totalCount).toBe(SEEDED);
    expect(page1.links.map((l) => l.rel)).toEqual(["self", "next"]);
    expect(page1.links[1]!.href).toBe(
      `${emulator.baseUrl}/api/atlas/v2${certs}?includeCount=true&pageNum=2&itemsPerPage=500`,
    );

    const second = await atlas.call("GET", `${certs}?itemsPerPage=500&pageNum=2`);
    const page2 = json(second) as unknown as Page;
    expect(page2.results).toHaveLength(SEEDED - 500);
    expect(page2.links.map((l) => l.rel)).toEqual(["self", "previous"]);

    const all = [...idsOf(first.text), ...idsOf(second.text)];
    expect(new Set(all).size).toBe(SEEDED);
    const issued = await emulator.control.issuedCertificates(emulator.projectId, "many");
    expect(all).toEqual(issued.map((c) => c.serialNumber)); // oldest first, same order
  });

  it("defaults to 100 items on page 1", async () => {
    const page = json(await atlas.call("GET", certs)) as unknown as Page;
    expect(page.results).toHaveLength(100);
    expect(page.links[0]!.href).toContain("?includeCount=true&pageNum=1&itemsPerPage=100");
  });

  it("omits totalCount with includeCount=false", async () => {
    const response = await atlas.call("GET", `${certs}?includeCount=false&itemsPerPage=5`);
    expect(response.text).not.toContain("totalCount");
    expect((json(response) as unknown as Page).results).toHaveLength(5);
    expect(specErrors(response)).toEqual([]);
  });

  it("answers an empty page beyond the end", async () => {
    const page = json(await atlas.call("GET", `${certs}?itemsPerPage=500&pageNum=9`)) as unknown as Page;
    expect(page.results).toEqual([]);
    expect(page.totalCount).toBe(SEEDED);
  });

  it.each(["itemsPerPage=0", "itemsPerPage=501", "itemsPerPage=abc", "pageNum=0", "pageNum=-1", "includeCount=maybe"])(
    "rejects %s with 400 INVALID_QUERY_PARAMETER",
    async (query) => {
      const response = await atlas.call("GET", `${certs}?${query}`);
      expect(response.status).toBe(400);
      expect(json(response)).toMatchObject({ error: 400, errorCode: "INVALID_QUERY_PARAMETER" });
      expect(specErrors(response)).toEqual([]);
    },
  );

  it("refuses a new certificate while 500 or more are unexpired", async () => {
    const response = await atlas.call("POST", certs, { body: { monthsUntilExpiration: 1 } });
    expect(response.status).toBe(400);
    expect(json(response)).toMatchObject({ errorCode: "ATLAS_GENERATED_CERTS_LIMIT_EXCEEDED" });
  });
});

describe("list churn", () => {
  afterEach(() => emulator.control.setListChurn(false));

  it("issues one certificate and expires the oldest after each page, so naive paging misses one", async () => {
    await emulator.control.createUser(emulator.projectId, "churny", "MANAGED");
    await emulator.control.seedCertificates(emulator.projectId, "churny", 6);
    const before = await emulator.control.issuedCertificates(emulator.projectId, "churny");
    await emulator.control.setListChurn(true);

    const path = `/groups/${emulator.projectId}/databaseUsers/churny/certs?itemsPerPage=3`;
    const first = await atlas.call("GET", `${path}&pageNum=1`);
    const second = await atlas.call("GET", `${path}&pageNum=2`);
    const seen = [...idsOf(first.text), ...idsOf(second.text)];
    expect(idsOf(first.text)).toEqual(before.slice(0, 3).map((c) => c.serialNumber));
    // After page 1 the oldest expired and a new one arrived: page 2 starts at the 5th original certificate.
    expect(idsOf(second.text)).toEqual([before[4]!.serialNumber, before[5]!.serialNumber, expect.any(String)]);
    expect(seen).not.toContain(before[3]!.serialNumber);

    const after = await emulator.control.issuedCertificates(emulator.projectId, "churny");
    expect(after).toHaveLength(8);
    expect(after.filter((c) => c.expired)).toHaveLength(2);
    expect((json(second) as unknown as Page).totalCount).toBe(6);
  });
});
