import type { SandboxState } from './sandboxState.js';
export function seedCalendar(_state: SandboxState): void {}
