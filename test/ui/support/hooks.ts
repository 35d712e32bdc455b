/** Root hooks for the UI tier (mocha --require): the shared workbench closes after all files ran. */
import { Workbench } from './workbench';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await Workbench.closeShared();
  },
};
