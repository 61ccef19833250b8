// The provider object of ManagedX509Certificate is this module's exports. Installed from a registry, the package
// sits in node_modules, where Pulumi's closure serializer recognizes a module's exports and stores only
// `require("pulumi-atlas-x509/shims/managedX509Certificate")` in each resource's `__provider`.
import { providerShim } from "../shim";

export = providerShim("ManagedX509Certificate");
