/**
 * What each kind of environment and each function can do, as context values, against the menus
 * package.json declares: a menu is offered only where its command works.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { can, capabilitiesOf, functionCapabilities } from '../../../../src/extension/environments/capabilities';
import { ContextValue, contextValue, environmentCapabilityTokens, functionContextValue } from '../../../../src/extension/explorer/contextValues';
import type { EnvironmentKind } from '../../../../src/shared/model';
import { projectRoot } from '../../../support/projectRoot';

interface MenuItem {
  command: string;
  when?: string;
}
const menus = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuItem[]> } }).contributes.menus['view/item/context']!;

/** The commands a tree item's context menu offers: every viewItem pattern of the clause matches. */
function offered(value: string): Set<string> {
  return new Set(
    menus
      .filter((m) => {
        const patterns = [...(m.when ?? '').matchAll(/viewItem\s*=~\s*\/((?:\\\/|[^/])+)\/([a-z]*)/g)].map((x) => new RegExp(x[1]!, x[2]));
        return patterns.length > 0 && patterns.every((p) => p.test(value));
      })
      .map((m) => m.command),
  );
}

const functionValue = (kind: EnvironmentKind, workspaceSource: boolean, dependenciesMissing = false): string =>
  functionContextValue(functionCapabilities(kind, { workspaceSource, dependenciesMissing }));

describe('capabilities', () => {
  it('declares what each kind of environment can do', () => {
    assert.deepEqual([...capabilitiesOf('local')].sort(), ['debugFunctions', 'httpAccess', 'runTriggers', 'sdkSetup', 'simulatedPayments', 'simulatedUsers', 'startStop']);
    assert.equal(can('tencent', 'simulatedPayments'), false, 'WeChat Pay is simulated only locally');
    assert.deepEqual([...capabilitiesOf('tencent')].sort(), ['deployedCopy', 'runTriggers']);
    assert.equal(can('tencent', 'startStop'), false);
    assert.equal(can('local', 'deployedCopy'), false);
  });

  it('maps function capabilities to context value tokens', () => {
    assert.equal(functionValue('local', true), contextValue(ContextValue.function, ContextValue.debuggable, ContextValue.deployable));
    assert.equal(functionValue('local', true, true), contextValue(ContextValue.function, ContextValue.debuggable, ContextValue.deployable, ContextValue.dependenciesMissing));
    assert.equal(functionValue('tencent', true), contextValue(ContextValue.function, ContextValue.deployable, ContextValue.deployedCopy));
    assert.equal(functionValue('tencent', false), contextValue(ContextValue.function), 'no code in the workspace: nothing to deploy or compare');
  });

  it('maps environment capabilities to the tokens menus act on', () => {
    assert.deepEqual(environmentCapabilityTokens(capabilitiesOf('local')), [ContextValue.startStop, ContextValue.sdkSetup]);
    assert.deepEqual(environmentCapabilityTokens(capabilitiesOf('tencent')), []);
  });

  describe('menus offer only what works', () => {
    it('a local function: Debug Function and Deploy, no Compare with Deployed', () => {
      const commands = offered(functionValue('local', true));
      assert.ok(commands.has('cloudbase.debugFunction'));
      assert.ok(commands.has('cloudbase.deployFunction'));
      assert.ok(commands.has('cloudbase.invokeFunction'));
      assert.ok(!commands.has('cloudbase.compareWithDeployed'));
    });

    it('a Tencent function with its code in the workspace: Compare with Deployed and Deploy, no Debug Function', () => {
      const commands = offered(functionValue('tencent', true));
      assert.ok(commands.has('cloudbase.compareWithDeployed'));
      assert.ok(commands.has('cloudbase.deployFunction'));
      assert.ok(commands.has('cloudbase.invokeFunction'));
      assert.ok(!commands.has('cloudbase.debugFunction'));
    });

    it('a Tencent function without its code here: Invoke and Tail Logs, neither Deploy nor Compare', () => {
      const commands = offered(functionValue('tencent', false));
      assert.ok(commands.has('cloudbase.invokeFunction') && commands.has('cloudbase.tailLogs'));
      assert.ok(!commands.has('cloudbase.deployFunction') && !commands.has('cloudbase.compareWithDeployed') && !commands.has('cloudbase.debugFunction'));
    });

    it('Start, Stop, Restart and Copy SDK Setup only on environments with a lifecycle', () => {
      const local = (state: typeof ContextValue.running | typeof ContextValue.startable): string =>
        contextValue(ContextValue.environment, ...environmentCapabilityTokens(capabilitiesOf('local')), state);
      assert.ok(offered(local(ContextValue.startable)).has('cloudbase.startLocalEnvironment'));
      assert.ok(offered(local(ContextValue.running)).has('cloudbase.stopLocalEnvironment'));
      assert.ok(offered(local(ContextValue.running)).has('cloudbase.copySdkSetup'));
      const tencent = offered(contextValue(ContextValue.environment, ContextValue.tencentEnvironment, ContextValue.running, ...environmentCapabilityTokens(capabilitiesOf('tencent'))));
      for (const command of ['cloudbase.startLocalEnvironment', 'cloudbase.stopLocalEnvironment', 'cloudbase.restartLocalEnvironment', 'cloudbase.copySdkSetup']) {
        assert.ok(!tencent.has(command), command);
      }
      assert.ok(tencent.has('cloudbase.signOut') && tencent.has('cloudbase.createCollection'));
    });

    it('simulated WeChat users: Create on Users, Run as on any user but the current one, back to the default caller on the current one and on the Default caller', () => {
      assert.deepEqual([...offered(contextValue(ContextValue.wechatUsers))], ['cloudbase.createWeChatUser']);
      const other = offered(contextValue(ContextValue.wechatUser, ContextValue.switchableUser));
      assert.deepEqual([...other].sort(), ['cloudbase.deleteWeChatUser', 'cloudbase.runAsWeChatUser', 'cloudbase.subscribeWeChatUser']);
      const current = offered(contextValue(ContextValue.wechatUser, ContextValue.currentUser));
      assert.deepEqual([...current].sort(), ['cloudbase.deleteWeChatUser', 'cloudbase.runAsDefaultCaller', 'cloudbase.subscribeWeChatUser']);
      assert.deepEqual([...offered(contextValue(ContextValue.switchableDefaultCaller))], ['cloudbase.runAsDefaultCaller']);
    });
  });
});
