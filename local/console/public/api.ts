/**
 * The page's calls to its own backend (`/console/api/*`). Errors are thrown as ApiCallError with
 * the server's message and field issues, so views can show exactly what was wrong.
 */

export class ApiCallError extends Error {
  override readonly name = 'ApiCallError';
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly issues?: Array<{ path: string; message: string }>,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/console/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiCallError(0, 'network');
  }
  const text = await res.text();
  let data: any = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiCallError(res.status, text.slice(0, 300) || `HTTP ${res.status}`);
  }
  if (!res.ok) {
    const err = data?.error ?? {};
    throw new ApiCallError(res.status, err.message ?? `HTTP ${res.status}`, err.code, err.issues);
  }
  return data as T;
}

export const api = {
  get: <T = any>(path: string) => call<T>('GET', path),
  post: <T = any>(path: string, body: unknown = {}) => call<T>('POST', path, body),
  del: <T = any>(path: string) => call<T>('DELETE', path),
};
