export { TokenVault, PiiApi } from './client.js';
export type { TokenVaultOptions } from './client.js';
export * from './errors.js';
export * from './types.js';
export { SDK_VERSION } from './version.js';
export { SDK_VERSION_HEADER } from './http.js';
