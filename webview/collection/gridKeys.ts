/**
 * Keyboard access to the grid, as in VS Code's own lists: arrows move the active cell, Space
 * selects its row, Enter or F2 edits it, Delete deletes the selection, Ctrl/Cmd+A selects every
 * row, Escape clears the selection. Pure: the panel applies what this returns.
 */
export interface Cell {
  row: number;
  col: number;
}

export type GridAction =
  | { kind: 'move'; to: Cell }
  | { kind: 'toggle' }
  | { kind: 'edit' }
  | { kind: 'delete' }
  | { kind: 'selectAll' }
  | { kind: 'clearSelection' };

export interface GridKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
}

const PAGE_ROWS = 10;

export function gridAction(e: GridKey, at: Cell, rows: number, cols: number): GridAction | undefined {
  const clamp = (row: number, col: number): GridAction => ({
    kind: 'move',
    to: { row: Math.max(0, Math.min(rows - 1, row)), col: Math.max(0, Math.min(cols - 1, col)) },
  });
  const mod = e.ctrlKey || e.metaKey;
  switch (e.key) {
    case 'ArrowDown':
      return clamp(at.row + 1, at.col);
    case 'ArrowUp':
      return clamp(at.row - 1, at.col);
    case 'ArrowRight':
      return clamp(at.row, at.col + 1);
    case 'ArrowLeft':
      return clamp(at.row, at.col - 1);
    case 'PageDown':
      return clamp(at.row + PAGE_ROWS, at.col);
    case 'PageUp':
      return clamp(at.row - PAGE_ROWS, at.col);
    case 'Home':
      return mod ? clamp(0, 0) : clamp(at.row, 0);
    case 'End':
      return mod ? clamp(rows - 1, cols - 1) : clamp(at.row, cols - 1);
    case ' ':
      return { kind: 'toggle' };
    case 'Enter':
    case 'F2':
      return { kind: 'edit' };
    case 'Delete':
      return { kind: 'delete' };
    case 'Escape':
      return { kind: 'clearSelection' };
    case 'a':
    case 'A':
      return mod ? { kind: 'selectAll' } : undefined;
    default:
      return undefined;
  }
}
