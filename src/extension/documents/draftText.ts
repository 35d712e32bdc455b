/**
 * Where a JSON parse error points, as a line and column of the text, so the editor can mark the
 * spot an unsaved edit is still incomplete. No vscode import.
 */
export interface TextPosition {
  line: number;
  character: number;
}

/** V8 names the offset ("at position 15", or "line 2 column 3"); without one, the end of the text. */
export function parseErrorPosition(text: string, message: string): TextPosition {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]) - 1, character: Math.max(0, Number(lineColumn[2]) - 1) };
  const offset = /position (\d+)/.exec(message);
  return positionAt(text, offset ? Math.min(Number(offset[1]), text.length) : text.length);
}

export function positionAt(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
