/**
 * Deploy Function (Explorer folders, tree nodes, the palette; several at once, a few at a time)
 * and Compare with Deployed. Progress names the stages and can be cancelled; failures reach the
 * command wrapper, which shows the service's message with its request ID.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { DeployStage } from '../../cloud/backend';
import { deployFunction, readFunctionSource, type DeployReport, type DeployWarning } from '../../cloud/deploy';
import { StudioError, isCancellation, isStudioError, messageOf } from '../../shared/errors';
import { CommandId } from '../commandIds';
import type { EnvironmentEntry } from '../environments/registry';
import type { CommandRegistry } from '../platform/commandRegistry';
import { userMessage } from '../platform/errorMessages';
import type { Services } from '../services';
import { compareWithDeployed, type DeployedComparison } from './deployCompare';
import { registerDeployedFiles } from './deployedFiles';
import { DeployState, mapLimited, type StateStore } from './deployState';
import { deploySources, deployTarget, type DeploySourceRef } from './deployTargets';

/** Deploys at once; more wait for a free lane (Tencent throttles bursts of function updates). */
/** Stages after which the code has left this machine. */
const SENT_STAGES: ReadonlySet<DeployStage> = new Set(['create', 'update']);
const PARALLEL_DEPLOYS = 3;

function stageText(stage: DeployStage): string {
  switch (stage) {
    case 'pack':
      return vscode.l10n.t('packing');
    case 'upload':
      return vscode.l10n.t('uploading');
    case 'create':
      return vscode.l10n.t('creating the function');
    case 'update':
      return vscode.l10n.t('updating the code');
    case 'configure':
      return vscode.l10n.t('updating the settings');
    case 'wait':
      return vscode.l10n.t('waiting until active');
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

function warningText(w: DeployWarning, name: string): string {
  switch (w.code) {
    case 'LargePackage':
      return vscode.l10n.t('{0}: the package is {1} MB, over the {2} MB limit for a quick deploy.', name, megabytes(w.bytes), megabytes(w.limitBytes));
    case 'TimeoutOverClientLimit':
      return vscode.l10n.t('{0}: its timeout is {1} s, but a mini program stops waiting for a function after {2} s.', name, w.timeoutSeconds, w.limitSeconds);
    case 'DeployedCodeChanged':
      return vscode.l10n.t('{0}: the deployed code had changed since this project last deployed it, and was replaced.', w.functionName);
    case 'SettingsWarning':
      return vscode.l10n.t('{0}: {1}', name, w.message);
  }
}

function outcomeText(r: DeployReport, env: string): string {
  switch (r.action) {
    case 'unchanged':
      return vscode.l10n.t('{0} is unchanged on {1}: nothing was uploaded.', r.name, env);
    case 'created':
      return vscode.l10n.t('{0} was created on {1}; it is {2}.', r.name, env, r.status);
    case 'configured':
      return vscode.l10n.t('The settings of {0} were updated on {1}; it is {2}.', r.name, env, r.status);
    case 'reloaded':
      return vscode.l10n.t('{0} was reloaded in {1}; the next invocation runs the code on disk.', r.name, env);
    default:
      return vscode.l10n.t('{0} was deployed to {1}; it is {2}.', r.name, env, r.status);
  }
}

interface DeployJob {
  ref: DeploySourceRef;
  target: EnvironmentEntry;
}

export function registerDeployCommands(commands: CommandRegistry, s: Services, store: StateStore, subscriptions: { dispose(): unknown }[]): void {
  const state = new DeployState(store);
  const compareFolders: string[] = [];
  subscriptions.push(registerDeployedFiles());
  // The unpacked deployed copies are only for the diff editors of this session.
  subscriptions.push({ dispose: () => void Promise.all(compareFolders.map((f) => rm(f, { recursive: true, force: true }))) });

  const refreshFunctions = (envKey: string): void => s.changes.changed({ envKey, area: 'functions' });

  /** `named`: several deploys share one notification, so each stage says which function it is about. */
  async function deployOne(job: DeployJob, report: (message: string) => void, signal: AbortSignal, named: boolean): Promise<DeployReport> {
    const { ref, target } = job;
    const backend = await s.registry.backend(target.key);
    if (!backend.functions?.deploy) throw new StudioError('NotSupported', `${target.info.label} cannot deploy functions.`);
    const source = await readFunctionSource(ref.folder, ref.project.root);
    s.log.info(`Deploying ${ref.name} from ${ref.folder} to ${target.info.label}`);
    // Once the code is on its way a cancel only stops our waiting: a request sent cannot be taken back.
    let sent = false;
    const previous = state.record(target.key, ref.folder);
    const deployed = await deployFunction(backend.functions, source, {
      previous,
      signal,
      onStage: (stage) => {
        sent ||= SENT_STAGES.has(stage);
        // A single deploy's notification title already names the function.
        report(named ? vscode.l10n.t('{0}: {1}', ref.name, stageText(stage)) : stageText(stage));
      },
      onPacked: async (pkg) => {
        const large = pkg.warnings.find((w) => w.code === 'LargePackage');
        if (large) {
          await s.prompts.ui.confirm(warningText(large, ref.name), vscode.l10n.t('Deploy Anyway'), vscode.l10n.t('Large packages upload slowly and make cold starts slower. Leave files out with a .cloudbaseignore file in the function folder.'));
        }
      },
      confirmOverwrite: () =>
        s.prompts.ui.confirm(
          vscode.l10n.t('The deployed code of {0} on {1} changed since this project last deployed it.', ref.name, target.info.label),
          vscode.l10n.t('Replace It'),
          vscode.l10n.t('Use Compare with Deployed to see the differences first.'),
        ),
    }).catch((e: unknown) => {
      if (sent && isCancellation(e)) {
        s.log.warn(`Deploying ${ref.name} to ${target.info.label} was cancelled after its code was sent; it may still go live.`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t('Deploying {0} was cancelled after its code was sent to {1}: it may still go live there. Deploy again, or use Compare with Deployed to see which code runs.', ref.name, target.info.label),
        );
      }
      throw e;
    });
    // The local environment reloads on every deploy; the package it last got again is no change to speak of.
    const result: DeployReport =
      deployed.action === 'reloaded' && previous?.contentHash === deployed.record.contentHash ? { ...deployed, action: 'unchanged' } : deployed;
    await state.setRecord(target.key, ref.folder, result.record);
    s.log.info(`Deployed ${ref.name} to ${target.info.label}: ${result.action}, ${result.status}, ${result.elapsedMs} ms${result.requestId ? ` (request ${result.requestId})` : ''}`);
    return result;
  }

  commands.register(CommandId.deployFunction, async (arg?: unknown, selection?: unknown): Promise<DeployReport[] | undefined> => {
    const refs = await deploySources(s, arg, selection);
    const byProject = new Map<string, EnvironmentEntry>();
    const jobs: DeployJob[] = [];
    for (const ref of refs) {
      const key = `${ref.project.root}\u0000${ref.fromEnvKey ?? ''}`;
      let target = byProject.get(key);
      if (!target) byProject.set(key, (target = await deployTarget(s, state, ref)));
      jobs.push({ ref, target });
    }
    const title =
      jobs.length === 1 ? vscode.l10n.t('Deploying {0} to {1}', jobs[0]!.ref.name, jobs[0]!.target.info.label) : vscode.l10n.t('Deploying {0} functions', jobs.length);
    const results = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await mapLimited(jobs, PARALLEL_DEPLOYS, (job) => deployOne(job, (message) => progress.report({ message }), controller.signal, jobs.length > 1));
      } finally {
        cancel.dispose();
      }
    });
    for (const key of new Set(jobs.map((j) => j.target.key))) refreshFunctions(key);

    const done: { job: DeployJob; report: DeployReport }[] = [];
    const failed: { job: DeployJob; error: unknown }[] = [];
    results.forEach((r, i) => (r.status === 'fulfilled' ? done.push({ job: jobs[i]!, report: r.value }) : failed.push({ job: jobs[i]!, error: r.reason })));
    const warnings = done.flatMap(({ report }) => report.warnings.filter((w) => w.code !== 'LargePackage').map((w) => warningText(w, report.name)));
    if (warnings.length > 0) void vscode.window.showWarningMessage(warnings.join(' '));
    if (done.length > 0) void vscode.window.showInformationMessage(done.map(({ job, report }) => outcomeText(report, job.target.info.label)).join(' '));
    if (failed.length === 1 && done.length === 0) throw failed[0]!.error;
    if (failed.length > 0) {
      const allCancelled = failed.every((f) => isCancellation(f.error));
      if (allCancelled) throw failed[0]!.error;
      for (const f of failed) s.log.error(`Deploying ${f.job.ref.name} failed: ${messageOf(f.error)}`);
      const first = failed.find((f) => !isCancellation(f.error)) ?? failed[0]!;
      const code = isStudioError(first.error) ? first.error.code : 'Internal';
      throw new StudioError(code, `${failed.map((f) => f.job.ref.name).join(', ')} failed to deploy. ${first.job.ref.name}: ${userMessage(first.error)}`, {
        cause: first.error,
        requestId: isStudioError(first.error) ? first.error.requestId : undefined,
      });
    }
    return done.map((d) => d.report);
  });

  commands.register(CommandId.compareWithDeployed, async (arg?: unknown): Promise<DeployedComparison | undefined> => {
    const [ref] = await deploySources(s, arg, undefined);
    const target = await deployTarget(s, state, ref!, { deployedCopy: true });
    const comparison = await compareWithDeployed(s, ref!, target);
    compareFolders.push(dirname(comparison.deployedFolder));
    return comparison;
  });
}
