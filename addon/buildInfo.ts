/**
 * Values fixed at build time by scripts/build-addon.ts (esbuild `define`). The service URL here
 * is only the default: the Script Property TASUKI_SERVICE_URL overrides it without a rebuild.
 */
declare const __TASUKI_SERVICE_URL__: string;

export const DEFAULT_SERVICE_URL: string =
  typeof __TASUKI_SERVICE_URL__ === 'string' ? __TASUKI_SERVICE_URL__ : 'http://127.0.0.1:8080';
