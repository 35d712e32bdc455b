/** Every Cloud API action the fake answers, by `X-TC-Action`; each area keeps its own file. */
import type { ActionHandler } from './common';
import { databaseActions } from './database';
import { functionActions } from './functions';
import { logActions } from './logs';
import { storageActions } from './storage';

export const actions: Record<string, ActionHandler> = { ...databaseActions, ...functionActions, ...storageActions, ...logActions };
export { CloudApiError, toCloudApiError, type ActionHandler, type FakeEnvironment, type Params } from './common';
