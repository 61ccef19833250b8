// The engine's address among a plugin's arguments, whatever flags the engine puts before it.
import { engineAddressFromArgs } from "../../provider/engine-address";

describe("engineAddressFromArgs", () => {
  it("takes the address when it is the only argument", () => {
    expect(engineAddressFromArgs(["127.0.0.1:41000"])).toBe("127.0.0.1:41000");
  });

  it("skips the flags `pulumi up --logflow -v=3 --logtostderr` passes before the address", () => {
    expect(engineAddressFromArgs(["--logtostderr", "-v=3", "127.0.0.1:41000"])).toBe("127.0.0.1:41000");
  });

  it("skips `--tracing` and its endpoint, which is an address too", () => {
    expect(engineAddressFromArgs(["--tracing", "127.0.0.1:9411", "127.0.0.1:41000"])).toBe("127.0.0.1:41000");
    expect(engineAddressFromArgs(["-v=9", "--tracing", "file:/tmp/t.trace", "127.0.0.1:41000"])).toBe(
      "127.0.0.1:41000",
    );
  });

  it("finds no address in a plugin started by hand, with or without `--port`", () => {
    expect(engineAddressFromArgs([])).toBeUndefined();
    expect(engineAddressFromArgs(["--port", "50051"])).toBeUndefined();
  });
});
