/**
 * Comparison reports as read-only Markdown documents on `cloudbase-compare:`: the counts on each
 * side, then the differing and one-sided documents, each `_id` a link that opens the two stored
 * versions in VS Code's diff editor (or the one version there is). The last few reports are kept
 * for their tabs; an older one reopened says it is gone.
 */
import * as vscode from 'vscode';
import type { CompareReport } from '../../cloud/transfer';
import { CommandId } from '../commandIds';
import { escapeSegment } from '../documents/documentAddress';

export const COMPARE_SCHEME = 'cloudbase-compare';
const KEPT_REPORTS = 20;

export interface CompareSideRef {
  envKey: string;
  label: string;
  collection: string;
}

/** What a link in a report opens (the argument of the open-compared-document command). */
export interface ComparedDocument {
  left: CompareSideRef;
  right: CompareSideRef;
  id: string;
  /** Where the document is: both sides (a diff), or only one. */
  in: 'both' | 'left' | 'right';
}

interface RenderedReport {
  text: string;
  links: { line: number; start: number; end: number; target: ComparedDocument }[];
}

export class CompareReports implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider {
  private readonly reports = new Map<string, RenderedReport>();
  private serial = 0;

  static register(): { reports: CompareReports; registration: vscode.Disposable } {
    const reports = new CompareReports();
    const registration = vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, reports),
      vscode.languages.registerDocumentLinkProvider({ scheme: COMPARE_SCHEME }, reports),
    );
    return { reports, registration };
  }

  /** Keeps the report and returns the address of its document. */
  add(report: CompareReport, left: CompareSideRef, right: CompareSideRef): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${++this.serial}/${escapeSegment(`${left.collection} ↔ ${right.collection}`)}.md` });
    this.reports.set(uri.toString(), renderReport(report, left, right));
    while (this.reports.size > KEPT_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString())?.text ?? vscode.l10n.t('This comparison is no longer kept. Run Compare Collection with… again.');
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    const rendered = this.reports.get(document.uri.toString());
    if (!rendered) return [];
    return rendered.links.map(({ line, start, end, target }) => {
      const link = new vscode.DocumentLink(
        new vscode.Range(line, start, line, end),
        vscode.Uri.parse(`command:${CommandId.openComparedDocument}?${encodeURIComponent(JSON.stringify([target]))}`),
      );
      link.tooltip = target.in === 'both' ? vscode.l10n.t('Compare the two versions') : vscode.l10n.t('Open the document');
      return link;
    });
  }
}

function renderReport(r: CompareReport, left: CompareSideRef, right: CompareSideRef): RenderedReport {
  const lines: string[] = [];
  const links: RenderedReport['links'] = [];
  const leftName = `${left.label} · ${left.collection}`;
  const rightName = `${right.label} · ${right.collection}`;
  lines.push(`# ${vscode.l10n.t('Compare {0} with {1}', leftName, rightName)}`, '');
  if (r.same === r.leftCount && r.same === r.rightCount && !r.leftMissing && !r.rightMissing) {
    lines.push(vscode.l10n.t('The collections hold the same {0} documents.', r.same), '');
  }
  for (const [missing, name] of [[r.leftMissing, leftName], [r.rightMissing, rightName]] as const) {
    if (missing) lines.push(vscode.l10n.t('{0} does not exist: compared as empty.', name), '');
  }
  lines.push(
    `| | ${leftName} | ${rightName} |`,
    '| --- | ---: | ---: |',
    `| ${vscode.l10n.t('Documents')} | ${r.leftCount} | ${r.rightCount} |`,
    `| ${vscode.l10n.t('Only on this side')} | ${r.onlyLeft} | ${r.onlyRight} |`,
    `| ${vscode.l10n.t('On both sides, the same')} | ${r.same} | ${r.same} |`,
    `| ${vscode.l10n.t('On both sides, different')} | ${r.different} | ${r.different} |`,
    '',
  );
  if (r.different + r.onlyLeft + r.onlyRight > 0) lines.push(vscode.l10n.t('Follow an _id (Ctrl+click or Cmd+click) to open the document, or both versions side by side.'), '');
  const section = (title: string, total: number, entries: { id: string; note?: string }[], where: ComparedDocument['in']): void => {
    if (total === 0) return;
    lines.push(`## ${title}`, '');
    for (const { id, note } of entries) {
      // Control characters would break the line; everything else reads as typed.
      const shown = id.replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
      links.push({ line: lines.length, start: 2, end: 2 + shown.length, target: { left, right, id, in: where } });
      lines.push(`- ${shown}${note ? ` — ${note}` : ''}`);
    }
    if (total > entries.length) lines.push('', vscode.l10n.t('…and {0} more, not listed.', total - entries.length));
    lines.push('');
  };
  section(vscode.l10n.t('Different ({0})', r.different), r.different, r.differentDocuments.map((d) => ({ id: d.id, note: d.fields.join(', ') })), 'both');
  section(vscode.l10n.t('Only in {0} ({1})', leftName, r.onlyLeft), r.onlyLeft, r.onlyLeftIds.map((id) => ({ id })), 'left');
  section(vscode.l10n.t('Only in {0} ({1})', rightName, r.onlyRight), r.onlyRight, r.onlyRightIds.map((id) => ({ id })), 'right');
  return { text: lines.join('\n'), links };
}
