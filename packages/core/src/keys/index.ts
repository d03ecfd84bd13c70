// Public surface of provider keys (BYOK): encryption, storage, testing and rotation.
export { createKeyRing, type KeyRing } from "./crypto";
export { createKeyStore, type KeyStore } from "./store";
export { testCredentials } from "./check";
export { type RotationReport, rotateProviderKeys } from "./rotate";
