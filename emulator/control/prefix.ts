// Where the control API lives on the emulator's port, for its client (client.ts), its server (server.ts) and the
// dispatch in index.ts.
export const CONTROL_PREFIX = "/__emulator";
