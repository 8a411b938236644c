/** Types for fake-gcloud.mjs (the stand-in Google Cloud CLI used by the deploy tests). */
export type FakeGcloudState = Record<string, any> & { mutations?: string[] };
export function fakeGcloud(state: FakeGcloudState, args: readonly string[]): { status: number; stdout: string; stderr: string };
