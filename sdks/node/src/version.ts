/** The SDK's version: its major is the API major the server accepts. */
export const SDK_VERSION = '1.0.0';
