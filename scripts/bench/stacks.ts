// Stacks and measurements: the stacks the benchmark deploys (certificates, no-op dynamic resources).

import type { Emulator } from "../../emulator";
import { EngineStack } from "../lib/engine";

export function atlasConfig(emulator: Emulator): Record<string, { value: string; secret?: boolean }> {
  return {
    "mongodbatlas:baseUrl": { value: emulator.baseUrl },
    "mongodbatlas:publicKey": { value: emulator.credentials.publicKey, secret: true },
    "mongodbatlas:privateKey": { value: emulator.credentials.privateKey, secret: true },
  };
}

export function managedStack(emulator: Emulator, name: string, users: string[], perUser: number): EngineStack {
  return EngineStack.create({
    program: "test/programs/managed/index.ts",
    projectName: `bench-${name}`,
    config: {
      projectId: { value: emulator.projectId },
      usernames: { value: JSON.stringify(users) },
      certificatesPerUser: { value: String(perUser) },
      ...atlasConfig(emulator),
    },
  });
}

export function noopStack(
  name: string,
  count: number,
  payload?: { plain: number; secret: number },
  env?: Record<string, string>,
): EngineStack {
  return EngineStack.create({
    env,
    program: "test/programs/noop/index.ts",
    projectName: `bench-${name}`,
    config: {
      count: { value: String(count) },
      ...(payload && {
        payloadBytes: { value: String(payload.plain) },
        secretPayloadBytes: { value: String(payload.secret) },
      }),
    },
  });
}
