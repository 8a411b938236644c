/**
 * UrlFetchApp for the shim: synchronous, really calling HTTP (through the host bridge), with the
 * real platform's options and behaviour that the add-on relies on: `muteHttpExceptions` (else a
 * status ≥ 400 throws "Request failed for … returned code …"), `contentType` + `payload` (a string
 * as is, a Blob or Byte[] as raw bytes, an object form-encoded), headers, `followRedirects`; a
 * network failure always throws. Apps Script's UrlFetch quota allows 50 MB of payload per call:
 * a larger one throws here before anything is sent (the message is the shim's own wording).
 */
/// <reference types="google-apps-script" />
import type { FetchRequest, FetchResponse } from './hostBridge.js';
import { bytesOf } from './blob.js';
import type { SubsetOf } from './cardService.js';

/** Apps Script quotas: URL Fetch POST size, 50 MB per call. */
export const URL_FETCH_MAX_PAYLOAD_BYTES = 50 * 1024 * 1024;

type Params = GoogleAppsScript.URL_Fetch.URLFetchRequestOptions;

export class HTTPResponseShim {
  constructor(private readonly res: FetchResponse) {}
  getResponseCode(): number {
    return this.res.status;
  }
  getContentText(): string {
    return this.res.body;
  }
  getHeaders(): object {
    return { ...this.res.headers };
  }
  getAllHeaders(): object {
    return { ...this.res.headers };
  }
}

export function createUrlFetchApp(fetchSync: (req: FetchRequest) => FetchResponse) {
  return {
    fetch(url: string, params: Params = {}): HTTPResponseShim {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(params.headers ?? {})) headers[k] = String(v);
      let body: string | Uint8Array | undefined;
      const bytes = bytesOf(params.payload) ?? (Array.isArray(params.payload) ? Buffer.from((params.payload as number[]).map((b) => (b + 256) % 256)) : undefined);
      if (bytes) {
        if (bytes.length > URL_FETCH_MAX_PAYLOAD_BYTES) {
          throw new Error(`Exception: UrlFetch payload of ${bytes.length} bytes is over the ${URL_FETCH_MAX_PAYLOAD_BYTES} byte limit per call: ${url}`);
        }
        body = new Uint8Array(bytes);
        const blobType = (params.payload as { getContentType?: () => string | null }).getContentType?.();
        headers['Content-Type'] = params.contentType ?? blobType ?? 'application/octet-stream';
      } else if (params.payload !== undefined) {
        if (typeof params.payload === 'string') {
          body = params.payload;
          headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
        } else {
          body = new URLSearchParams(Object.entries(params.payload as Record<string, string>).map(([k, v]) => [k, String(v)])).toString();
          headers['Content-Type'] = 'application/x-www-form-urlencoded';
        }
      } else if (params.contentType) {
        headers['Content-Type'] = params.contentType;
      }
      const method = String(params.method ?? 'get').toUpperCase();
      let res: FetchResponse;
      try {
        res = fetchSync({ url, method, headers, ...(body !== undefined ? { body } : {}), followRedirects: params.followRedirects !== false });
      } catch (err) {
        // Apps Script's wording for unreachable hosts.
        throw new Error(`Address unavailable: ${url} (${err instanceof Error ? err.message : String(err)})`);
      }
      if (res.status >= 400 && !params.muteHttpExceptions) {
        throw new Error(`Request failed for ${url} returned code ${res.status}. Truncated server response: ${res.body.slice(0, 200)}`);
      }
      return new HTTPResponseShim(res);
    },
  };
}

const checks: [
  SubsetOf<GoogleAppsScript.URL_Fetch.UrlFetchApp, ReturnType<typeof createUrlFetchApp>>,
  SubsetOf<GoogleAppsScript.URL_Fetch.HTTPResponse, HTTPResponseShim>,
] = [true, true];
void checks;
