/**
 * The collection page: query bar, toolbar, the grid of one page of documents, the cell editor and
 * a status line. The page keeps the query and the cursors of the pages it has seen (saved with
 * setState), so next and previous are single cursor reads however deep the page is. Renders into
 * the light DOM so the page's codicon stylesheet reaches the grid.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { DocumentJson, JsonValue } from '../../src/shared/model';
import type {
  CollectionHostMessage,
  CollectionPageMessage,
  CollectionPanelState,
  CollectionPanelStrings,
  CollectionPanelTarget,
  CountedString,
  PanelCommand,
  QueryText,
  RunQuery,
} from '../../src/shared/protocol/collectionPanel';
import { COLLECTION_PANEL_STATE_VERSION } from '../../src/shared/protocol/collectionPanel';
import { isCollectionHostMessage, isCollectionPanelState } from '../../src/shared/protocol/collectionPanelGuards';
import { HostBridge } from '../shared/host';
import { gridAction, type Cell } from './gridKeys';
import { VALUE_TYPES, cellText, columnsOf, editText, parseObject, parseProjection, parseSort, parseValue, typeOf, type ValueType } from './values';

type Bridge = HostBridge<CollectionHostMessage, CollectionPageMessage, CollectionPanelState>;

interface CellEdit {
  asRead: DocumentJson;
  path: string;
  type: ValueType;
  text: string;
  requestId?: number;
  /** Set when the save met a newer stored document. */
  conflict?: { deleted: boolean };
  error?: string;
}

const DEFAULT_QUERY: QueryText = { filter: '{}', sort: '{}', projection: '{}', limit: 50 };

export class CollectionPanel extends LitElement {
  private readonly bridge: Bridge = new HostBridge({ isMessage: isCollectionHostMessage, isState: isCollectionPanelState });
  private target?: CollectionPanelTarget;
  private strings?: CollectionPanelStrings;
  private pageSizes = [20, 50, 100, 500];
  private query: QueryText = { ...DEFAULT_QUERY };
  /** The query the shown page belongs to (the bar may hold unsent edits). */
  private running?: RunQuery;
  private cursors: (string | null)[] = [null];
  private pageIndex = 0;
  private documents: DocumentJson[] = [];
  private nextCursor?: string;
  private total?: number;
  /** The query whose count is awaited; a newer counted query replaces it, so an older total is dropped. */
  private countingRequest?: number;
  private selected = new Set<string>();
  private expanded = new Set<string>();
  private loading = false;
  private queryError?: string;
  private edit?: CellEdit;
  private requestId = 0;
  private pendingQuery = -1;
  private renderMs?: number;
  private hostMs?: number;
  /** The cell keyboard focus is on (row and data column of the shown page). */
  private active: Cell = { row: 0, col: 0 };

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.bridge.reportErrors((message) => ({ type: 'pageError', message }));
    this.bridge.listen((m) => this.receive(m));
    this.bridge.post({ type: 'ready' });
  }

  /** `key` with a count: the singular form (`<key>One`) for 1, where the page has one. */
  private count(key: CountedString, n: number): string {
    return n === 1 ? this.t(`${key}One`) : this.t(key, n);
  }

  /** Before `init` brings the strings, the key stands in. */
  private t(key: keyof CollectionPanelStrings, ...args: (string | number)[]): string {
    const text = this.strings?.[key] ?? key;
    return text.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] === undefined ? m : String(args[Number(i)])));
  }

  private receive(m: CollectionHostMessage): void {
    switch (m.type) {
      case 'init': {
        this.target = m.target;
        this.strings = m.strings;
        this.pageSizes = m.pageSizes;
        // A state of another version (or a malformed one) does not pass: the panel opens fresh.
        const saved = this.bridge.savedState();
        if (saved && saved.target.envKey === m.target.envKey && saved.target.collection === m.target.collection) {
          this.query = { ...DEFAULT_QUERY, ...saved.query };
          this.cursors = saved.cursors.length > 0 ? saved.cursors : [null];
          this.pageIndex = Math.min(Math.max(0, saved.pageIndex), this.cursors.length - 1);
          this.expanded = new Set(saved.expanded);
        }
        this.load(this.pageIndex, true);
        return;
      }
      case 'page': {
        if (m.requestId !== this.pendingQuery) return;
        const received = performance.now();
        this.loading = false;
        this.queryError = undefined;
        this.documents = m.documents;
        this.nextCursor = m.nextCursor;
        if (!m.counting && m.requestId === this.countingRequest) this.countingRequest = undefined;
        this.hostMs = m.elapsedMs;
        const ids = new Set(m.documents.map((d) => d._id));
        this.selected = new Set([...this.selected].filter((id) => ids.has(id)));
        this.saveState();
        this.requestUpdate();
        void this.updateComplete.then(() => {
          // Reading the table's height forces style and layout, so the figure covers them too.
          void this.querySelector('table.grid')?.getBoundingClientRect().height;
          this.renderMs = performance.now() - received;
          this.dataset.renderMs = this.renderMs.toFixed(1);
          this.dataset.page = String(this.pageIndex);
          this.requestUpdate();
        });
        return;
      }
      case 'total':
        if (m.requestId !== this.countingRequest) return;
        this.countingRequest = undefined;
        this.total = m.total;
        this.requestUpdate();
        return;
      case 'queryError':
        if (m.requestId === this.countingRequest) this.countingRequest = undefined;
        if (m.requestId !== this.pendingQuery) return;
        // The last good results stay, marked stale, with the reason above them.
        this.loading = false;
        this.queryError = m.message;
        this.requestUpdate();
        return;
      case 'saved':
        if (this.edit?.requestId !== m.requestId) return;
        this.documents = this.documents.map((d) => (d._id === m.document._id ? m.document : d));
        this.edit = undefined;
        this.requestUpdate();
        this.focusActive();
        return;
      case 'conflict':
        if (this.edit?.requestId !== m.requestId) return;
        this.edit = { ...this.edit, requestId: undefined, conflict: { deleted: m.stored === undefined } };
        this.requestUpdate();
        return;
      case 'editError':
        if (this.edit?.requestId !== m.requestId) return;
        this.edit = { ...this.edit, requestId: undefined, error: m.message };
        this.requestUpdate();
        return;
      case 'changed':
        this.load(this.pageIndex, true);
        return;
    }
  }

  /** The bar's query, or undefined with the reason shown beside the field. */
  private parsedQuery(): RunQuery | undefined {
    const filter = parseObject(this.query.filter);
    const sort = parseSort(this.query.sort);
    const projection = parseProjection(this.query.projection);
    if (!filter.ok || !sort.ok || !projection.ok) return undefined;
    return { filter: filter.value, sort: sort.value, projection: projection.value, limit: this.query.limit };
  }

  private load(pageIndex: number, count: boolean): void {
    const query = pageIndex === 0 || !this.running ? this.parsedQuery() : this.running;
    if (!query) return;
    this.running = query;
    this.pageIndex = pageIndex;
    this.loading = true;
    this.pendingQuery = ++this.requestId;
    const cursor = this.cursors[pageIndex] ?? undefined;
    if (count) this.countingRequest = this.pendingQuery;
    this.bridge.post({ type: 'query', requestId: this.pendingQuery, query, cursor, count });
    this.requestUpdate();
  }

  private run(): void {
    this.cursors = [null];
    this.running = undefined;
    this.selected.clear();
    this.load(0, true);
  }

  private next(): void {
    if (!this.nextCursor || this.loading) return;
    this.cursors = [...this.cursors.slice(0, this.pageIndex + 1), this.nextCursor];
    this.load(this.pageIndex + 1, false);
  }

  private previous(): void {
    if (this.pageIndex === 0 || this.loading) return;
    this.load(this.pageIndex - 1, false);
  }

  private saveState(): void {
    if (!this.target) return;
    this.bridge.saveState({ version: COLLECTION_PANEL_STATE_VERSION, target: this.target, query: this.query, cursors: this.cursors, pageIndex: this.pageIndex, expanded: [...this.expanded] });
  }

  private setQuery(field: keyof QueryText, value: string): void {
    this.query = { ...this.query, [field]: field === 'limit' ? Number(value) : value };
    this.saveState();
    this.requestUpdate();
  }

  /** The header's sort: ascending, then descending, then none; the query bar shows it and it runs. */
  private sortBy(field: string): void {
    const current = this.running?.sort.length === 1 && this.running.sort[0].field === field ? this.running.sort[0].direction : 0;
    const next = current === 0 ? 1 : current === 1 ? -1 : 0;
    this.setQuery('sort', next === 0 ? '{}' : `{ ${/^[A-Za-z_$][\w$]*$/.test(field) ? field : JSON.stringify(field)}: ${next} }`);
    this.run();
  }

  private command(command: PanelCommand): void {
    this.bridge.post(command === 'export' && this.running ? { type: 'command', command, query: this.running } : { type: 'command', command });
  }

  private selectedDocuments(): DocumentJson[] {
    return this.documents.filter((d) => this.selected.has(d._id));
  }

  private toggleRow(id: string, only: boolean): void {
    if (only) this.selected = new Set(this.selected.has(id) && this.selected.size === 1 ? [] : [id]);
    else if (this.selected.has(id)) this.selected.delete(id);
    else this.selected.add(id);
    this.requestUpdate();
  }

  private startEdit(document: DocumentJson, path: string): void {
    if (path === '_id') return;
    const value = document[path];
    this.edit = { asRead: document, path, type: value === undefined ? 'string' : typeOf(value), text: editText(value) };
    this.requestUpdate();
    void this.updateComplete.then(() => (this.querySelector('.cell-editor .value') as HTMLElement | null)?.focus());
  }

  private saveEdit(force = false): void {
    const edit = this.edit;
    if (!edit) return;
    const parsed = parseValue(edit.text, edit.type);
    if (!parsed.ok) return;
    const requestId = ++this.requestId;
    this.edit = { ...edit, requestId, conflict: undefined, error: undefined };
    this.bridge.post({ type: 'editField', requestId, asRead: edit.asRead, path: edit.path, value: parsed.value, force });
    this.requestUpdate();
  }

  private cancelEdit(): void {
    this.edit = undefined;
    this.requestUpdate();
    this.focusActive();
  }

  private focusActive(): void {
    void this.updateComplete.then(() => (this.querySelector('table.grid td.active') as HTMLElement | null)?.focus());
  }

  private onGridKey(e: KeyboardEvent, columns: string[]): void {
    if (e.target instanceof HTMLInputElement || this.documents.length === 0) return;
    if (e.target instanceof Element && (e.target.closest('.cell-editor') || e.target.closest('th'))) return;
    const at = { row: Math.min(this.active.row, this.documents.length - 1), col: Math.min(this.active.col, columns.length - 1) };
    const action = gridAction(e, at, this.documents.length, columns.length);
    if (!action) return;
    e.preventDefault();
    const document = this.documents[at.row];
    switch (action.kind) {
      case 'move':
        this.active = action.to;
        this.requestUpdate();
        this.focusActive();
        return;
      case 'toggle':
        return this.toggleRow(document._id, false);
      case 'edit':
        return this.startEdit(document, columns[at.col]);
      case 'delete': {
        const ids = this.selected.size > 0 ? this.selectedDocuments().map((d) => d._id) : [document._id];
        return this.bridge.post({ type: 'delete', ids });
      }
      case 'selectAll':
        this.selected = new Set(this.documents.map((d) => d._id));
        return this.requestUpdate();
      case 'clearSelection':
        this.selected = new Set();
        return this.requestUpdate();
    }
  }

  private compareEdit(): void {
    const edit = this.edit;
    const parsed = edit && parseValue(edit.text, edit.type);
    if (edit && parsed?.ok) this.bridge.post({ type: 'compareField', asRead: edit.asRead, path: edit.path, value: parsed.value });
  }

  private reloadAfterConflict(): void {
    this.edit = undefined;
    this.load(this.pageIndex, false);
  }

  override render(): TemplateResult {
    if (!this.target) return html`<div class="status">${this.t('loading')}</div>`;
    return html`${this.renderQueryBar()}${this.renderToolbar()}
      <div class="grid-scroll">${this.renderGrid()}</div>
      ${this.renderStatus()}`;
  }

  private renderQueryBar(): TemplateResult {
    const filter = parseObject(this.query.filter);
    const sort = parseSort(this.query.sort);
    const projection = parseProjection(this.query.projection);
    const valid = filter.ok && sort.ok && projection.ok;
    const field = (key: 'filter' | 'sort' | 'projection', label: string, ok: boolean): TemplateResult => html`
      <label class="query-field ${key}">
        <span>${label}</span>
        <vscode-textfield
          class=${key}
          .value=${this.query[key]}
          ?invalid=${!ok}
          placeholder=${key === 'filter' ? this.t('filterPlaceholder') : '{}'}
          @input=${(e: Event) => this.setQuery(key, (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && valid && this.run()}
        ></vscode-textfield>
      </label>`;
    return html`<div class="query-bar">
      ${field('filter', this.t('filter'), filter.ok)}
      ${field('sort', this.t('sort'), sort.ok)}
      ${field('projection', this.t('projection'), projection.ok)}
      <label class="query-field limit">
        <span>${this.t('limit')}</span>
        <vscode-single-select class="limit" .value=${String(this.query.limit)} @change=${(e: Event) => this.setQuery('limit', (e.target as HTMLSelectElement).value)}>
          ${this.pageSizes.map((n) => html`<vscode-option value=${String(n)} ?selected=${n === this.query.limit}>${n}</vscode-option>`)}
        </vscode-single-select>
      </label>
      <vscode-button class="run" ?disabled=${!valid} @click=${() => this.run()}>${this.t('run')}</vscode-button>
    </div>
    ${this.renderQueryMessage(filter, sort.ok, projection.ok)}`;
  }

  /** One line that is always there, so a message never moves the grid. */
  private renderQueryMessage(filter: ReturnType<typeof parseObject>, sortOk: boolean, projectionOk: boolean): TemplateResult {
    const message = !filter.ok
      ? this.t('invalidJson', filter.error)
      : !sortOk
        ? this.t('invalidSort')
        : !projectionOk
          ? this.t('invalidProjection')
          : this.queryError
            ? this.t('queryFailed', this.queryError)
            : '';
    return html`<div class="query-message" role=${message ? 'alert' : nothing} title=${message}>${message}</div>`;
  }

  private renderToolbar(): TemplateResult {
    const selected = this.selectedDocuments();
    const tool = (cls: string, icon: string, label: string, action: () => void, disabled = false): TemplateResult =>
      html`<vscode-toolbar-button class=${cls} icon=${icon} label=${label} title=${label} ?disabled=${disabled} @click=${action}></vscode-toolbar-button>`;
    return html`<div class="toolbar">
      ${tool('refresh', 'refresh', this.t('refresh'), () => this.load(this.pageIndex, true))}
      ${tool('insert', 'add', this.t('insert'), () => this.bridge.post({ type: 'insert' }))}
      ${tool('duplicate', 'copy', this.t('duplicate'), () => this.bridge.post({ type: 'insert', template: selected[0] }), selected.length !== 1)}
      ${tool('edit-json', 'json', this.t('editJson'), () => this.bridge.post({ type: 'editJson', id: selected[0]._id }), selected.length !== 1)}
      ${tool('delete-selected', 'trash', this.t('deleteSelected'), () => this.bridge.post({ type: 'delete', ids: selected.map((d) => d._id) }), selected.length === 0)}
      <span class="separator"></span>
      ${tool('delete-by-query', 'filter', this.t('deleteByQuery'), () => this.command('deleteByQuery'))}
      ${tool('import', 'cloud-upload', this.t('import'), () => this.command('import'))}
      ${tool('export', 'cloud-download', this.t('export'), () => this.command('export'))}
      ${tool('indexes', 'list-tree', this.t('indexes'), () => this.command('indexes'))}
      ${tool('permission', 'shield', this.t('permission'), () => this.command('permission'))}
      <span class="spacer"></span>
      <span class="selection">${selected.length > 0 ? this.t('selected', selected.length) : ''}</span>
    </div>`;
  }

  private renderEditor(edit: CellEdit): TemplateResult {
    const parsed = parseValue(edit.text, edit.type);
    const busy = edit.requestId !== undefined;
    const set = (patch: Partial<CellEdit>): void => {
      this.edit = { ...edit, ...patch };
      this.requestUpdate();
    };
    return html`<div class="cell-editor" role="dialog" aria-label=${this.t('editCell', `${edit.asRead._id} · ${edit.path}`)} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.cancelEdit()}>
      <vscode-single-select class="type" .value=${edit.type} @change=${(e: Event) => set({ type: (e.target as HTMLSelectElement).value as ValueType })}>
        ${VALUE_TYPES.map((t) => html`<vscode-option value=${t} ?selected=${t === edit.type}>${t}</vscode-option>`)}
      </vscode-single-select>
      ${edit.type === 'null'
        ? nothing
        : edit.type === 'json'
          ? html`<vscode-textarea class="value" rows="4" .value=${edit.text} @input=${(e: Event) => set({ text: (e.target as HTMLTextAreaElement).value })}></vscode-textarea>`
          : html`<vscode-textfield
              class="value"
              .value=${edit.text}
              ?invalid=${!parsed.ok}
              @input=${(e: Event) => set({ text: (e.target as HTMLInputElement).value })}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter') this.saveEdit();
              }}
            ></vscode-textfield>`}
      ${parsed.ok ? nothing : html`<span class="field-error">${this.t('invalidValue', edit.type)}</span>`}
      <vscode-button class="save" ?disabled=${!parsed.ok || busy} @click=${() => this.saveEdit()}>${this.t('save')}</vscode-button>
      <vscode-button class="cancel" secondary @click=${() => this.cancelEdit()}>${this.t('cancel')}</vscode-button>
      ${edit.conflict
        ? html`<div class="conflict" role="alert">
            <span>${this.t(edit.conflict.deleted ? 'deletedConflict' : 'conflict')}</span>
            <vscode-button class="compare" secondary ?disabled=${edit.conflict.deleted} @click=${() => this.compareEdit()}>${this.t('compare')}</vscode-button>
            <vscode-button class="overwrite" secondary ?disabled=${edit.conflict.deleted} @click=${() => this.saveEdit(true)}>${this.t('overwrite')}</vscode-button>
            <vscode-button class="reload" secondary @click=${() => this.reloadAfterConflict()}>${this.t('reload')}</vscode-button>
          </div>`
        : nothing}
      ${edit.error ? html`<div class="edit-error" role="alert">${edit.error}</div>` : nothing}
    </div>`;
  }

  private renderGrid(): TemplateResult {
    if (this.documents.length === 0 && this.queryError) return html`<div class="empty">${this.t('empty')}</div>`;
    if (this.documents.length === 0) return html`<div class="empty">${this.loading ? this.t('loading') : this.t('empty')}</div>`;
    const columns = columnsOf(this.documents);
    const all = this.documents.every((d) => this.selected.has(d._id));
    const active = { row: Math.min(this.active.row, this.documents.length - 1), col: Math.min(this.active.col, columns.length - 1) };
    const sorted = this.running?.sort.length === 1 ? this.running.sort[0] : undefined;
    return html`<table class=${this.queryError ? 'grid stale' : 'grid'} aria-busy=${this.queryError ? 'true' : 'false'} title=${this.queryError ? this.t('stale') : nothing} role="grid" aria-multiselectable="true" aria-label=${this.target?.collection ?? ''} @keydown=${(e: KeyboardEvent) => this.onGridKey(e, columns)}>
      <thead>
        <tr>
          <th class="select"><input type="checkbox" aria-label="all" .checked=${all} @change=${() => {
            this.selected = all ? new Set() : new Set(this.documents.map((d) => d._id));
            this.requestUpdate();
          }} /></th>
          ${columns.map((c) => {
            const direction = sorted?.field === c ? sorted.direction : 0;
            const sort = (e: Event): void => {
              e.preventDefault();
              this.sortBy(c);
            };
            return html`<th
              data-field=${c}
              class="sortable"
              tabindex="0"
              aria-sort=${direction === 1 ? 'ascending' : direction === -1 ? 'descending' : 'none'}
              title=${this.t('sortBy', c)}
              @click=${sort}
              @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && sort(e)}
            >${c}<span class="sort-mark codicon ${direction === 1 ? 'codicon-arrow-up' : direction === -1 ? 'codicon-arrow-down' : ''}"></span></th>`;
          })}
        </tr>
      </thead>
      <tbody>
        ${this.documents.map((d, row) => this.renderRow(d, columns, row === active.row ? active.col : -1, row))}
      </tbody>
    </table>`;
  }

  /** `activeCol` is the active cell's column when it is in this row, else -1. */
  private renderRow(d: DocumentJson, columns: string[], activeCol: number, row: number): TemplateResult {
    const selected = this.selected.has(d._id);
    return html`<tr class=${selected ? 'selected' : ''} role="row" aria-selected=${selected ? 'true' : 'false'} data-id=${d._id} @click=${(e: MouseEvent) => this.toggleRow(d._id, !(e.ctrlKey || e.metaKey))}>
      <td class="select"><input type="checkbox" tabindex="-1" aria-label=${d._id} .checked=${selected} @click=${(e: Event) => e.stopPropagation()} @change=${() => this.toggleRow(d._id, false)} /></td>
      ${columns.map((c, col) => this.renderCell(d, c, col === activeCol, { row, col }))}
    </tr>`;
  }

  private renderCell(d: DocumentJson, field: string, active: boolean, at: Cell): TemplateResult {
    const value: JsonValue | undefined = d[field];
    if (this.edit && this.edit.asRead._id === d._id && this.edit.path === field) {
      // The editor sits in the cell it edits, over the cells beside it; the grid does not move.
      return html`<td data-field=${field} class="editing" role="gridcell" @click=${(e: Event) => e.stopPropagation()} @dblclick=${(e: Event) => e.stopPropagation()}>
        <span class="under-edit">${cellText(value)}</span>${this.renderEditor(this.edit)}
      </td>`;
    }
    const edit = (e: Event): void => {
      e.stopPropagation();
      this.startEdit(d, field);
    };
    if (value !== null && typeof value === 'object' && typeOf(value) === 'json') {
      const key = `${d._id}\u0000${field}`;
      const open = this.expanded.has(key);
      const size = Array.isArray(value) ? this.count('items', value.length) : this.count('fields', Object.keys(value).length);
      const toggle = (e: Event): void => {
        e.stopPropagation();
        if (open) this.expanded.delete(key);
        else this.expanded.add(key);
        this.saveState();
        this.requestUpdate();
      };
      return html`<td data-field=${field} class=${active ? 'nested active' : 'nested'} role="gridcell" tabindex=${active ? 0 : -1} @focus=${() => (this.active = at)} @dblclick=${edit}>
        <button tabindex="-1" class="toggle codicon ${open ? 'codicon-chevron-down' : 'codicon-chevron-right'}" title=${open ? this.t('collapse') : this.t('expand')} @click=${toggle}></button>
        ${open ? html`<pre>${JSON.stringify(value, null, 2)}</pre>` : html`<span class="summary">${Array.isArray(value) ? '[…]' : '{…}'} ${size}</span>`}
      </td>`;
    }
    return html`<td
      data-field=${field}
      class=${`t-${typeOf(value)}${value === undefined ? ' absent' : ''}${active ? ' active' : ''}`}
      role="gridcell"
      tabindex=${active ? 0 : -1}
      title=${cellText(value)}
      @focus=${() => (this.active = at)}
      @dblclick=${edit}
    >${cellText(value)}</td>`;
  }

  private renderStatus(): TemplateResult {
    const first = this.pageIndex * (this.running?.limit ?? this.query.limit);
    return html`<div class="status">
      <vscode-toolbar-button class="previous" icon="chevron-left" label=${this.t('previous')} title=${this.t('previous')} ?disabled=${this.pageIndex === 0 || this.loading} @click=${() => this.previous()}></vscode-toolbar-button>
      <span class="page">${this.t('pageOf', this.pageIndex + 1)}</span>
      <vscode-toolbar-button class="next" icon="chevron-right" label=${this.t('next')} title=${this.t('next')} ?disabled=${!this.nextCursor || this.loading} @click=${() => this.next()}></vscode-toolbar-button>
      <span class="range">${this.documents.length > 0 ? `${first + 1}–${first + this.documents.length}` : ''}</span>
      <span class="total">${this.countingRequest !== undefined ? this.t('counting') : this.total === undefined ? '' : this.count('total', this.total)}</span>
      <span class="spacer"></span>
      <span class="timing">${this.hostMs === undefined ? '' : this.t('renderTime', Math.round(this.hostMs + (this.renderMs ?? 0)))}</span>
    </div>`;
  }
}
