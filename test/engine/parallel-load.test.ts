// Parallel load in `npm test`, on both routes: one `pulumi up` of 50 certificates across 10 users plus a CA bundle
// in another project, under the Atlas-like rate limit of `npm run test:load` (which also runs a tight limit and
// prints the figures). Every certificate is issued exactly once, refresh and preview find nothing to change.
import { ATLAS_LIKE, describeFigures, runPhase } from "../../scripts/load";
import { startEmulator, type Emulator } from "../../emulator";
import { routes } from "../../scripts/lib/routes";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ keyBits: 2048 });
});
afterAll(() => emulator.close());

it.each(routes)(
  "creates 50 certificates for 10 users and a CA bundle in one pulumi up under an Atlas-like rate limit, on the $name route",
  async (route) => {
    const { figures, failures } = await runPhase(emulator, ATLAS_LIKE, route);
    expect(failures).toEqual([]);
    const [up, refresh, preview] = figures;
    expect(up.requests).toEqual({
      "GET /groups/{groupId}/userSecurity": 1,
      "PATCH /groups/{groupId}/userSecurity": 1,
      "POST /groups/{groupId}/databaseUsers/{username}/certs": 50,
    });
    // One digest handshake per plugin process, shared by all parallel requests.
    expect(up.challenges401).toBe(1);
    // One listing per user, one read of the bundle.
    expect(refresh.requests["GET /groups/{groupId}/databaseUsers/{username}/certs"]).toBe(10);
    expect(preview.requests).toEqual({});
    process.stdout.write(`${route.name} route: ${describeFigures(ATLAS_LIKE, figures)}\n`);
  },
  300_000,
);
