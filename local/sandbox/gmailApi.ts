import express, { type Router } from 'express';
import type { SandboxState } from './sandboxState.js';
export function gmailRouter(_opts: { state: SandboxState }): Router { return express.Router(); }
