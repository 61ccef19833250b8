// The provider object of CustomerX509Config is this module's exports (see managedX509Certificate.ts).
import { providerShim } from "../shim";

export = providerShim("CustomerX509Config");
