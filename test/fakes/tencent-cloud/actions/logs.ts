/** Log service actions of service tcb (SearchClsLog and the environment's log resources). */
import type { ActionHandler } from './common';

export const logActions: Record<string, ActionHandler> = {};
