/** Cloud function actions (tcb ListFunctions; scf GetFunction, Invoke, CreateFunction, …). */
import type { ActionHandler } from './common';

export const functionActions: Record<string, ActionHandler> = {};
