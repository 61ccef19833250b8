// The unit layer's promise, enforced: a test under test/unit/ that opens a socket (a connection, a listening server,
// a fetch) fails at once, naming what it tried. Node's own modules are shared by the test files of a jest worker,
// so what is replaced is put back after the file.
import * as net from "node:net";
import * as path from "node:path";

const unitLayer = `${path.sep}test${path.sep}unit${path.sep}`;

if ((expect.getState().testPath ?? "").includes(unitLayer)) {
  const refuse = (what: string) => () => {
    throw new Error(`the unit layer opens no sockets: ${what} (test/against-emulator/ is for network tests)`);
  };
  const { connect } = net.Socket.prototype;
  const { listen } = net.Server.prototype;
  const { fetch } = globalThis;
  net.Socket.prototype.connect = refuse("net.Socket connect") as typeof connect;
  net.Server.prototype.listen = refuse("net.Server listen") as typeof listen;
  globalThis.fetch = refuse("fetch") as typeof fetch;
  afterAll(() => {
    net.Socket.prototype.connect = connect;
    net.Server.prototype.listen = listen;
    globalThis.fetch = fetch;
  });
}
