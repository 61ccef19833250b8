import { AtlasApiError } from "../../provider/atlas/errors";

/** The AtlasApiError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<AtlasApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AtlasApiError)) throw new Error(`expected an AtlasApiError, got ${String(error)}`);
  return error;
}
