/** Storage rule actions of service tcb (the objects themselves go through /admin and COS). */
import type { ActionHandler } from './common';

export const storageActions: Record<string, ActionHandler> = {};
