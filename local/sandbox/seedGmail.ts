import type { SandboxState } from './sandboxState.js';
export function seedGmail(_state: SandboxState): void {}
