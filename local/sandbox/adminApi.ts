import express, { type Router } from 'express';
import type { Faults } from './faults.js';
import type { SandboxState } from './sandboxState.js';
export function adminRouter(_opts: { state: SandboxState; faults: Faults }): Router { return express.Router(); }
