import express, { type Router } from 'express';
import type { SandboxState } from './sandboxState.js';
export function calendarRouter(_opts: { state: SandboxState }): Router { return express.Router(); }
