/**
 * Plain-text tables that fit a terminal width (80 columns unless the terminal
 * says otherwise): columns separated by two spaces, no box drawing, so that
 * seven columns of figures still fit 80 characters. A `wrap` column takes the
 * room left and wraps its text; if the table is still too wide, the widest
 * left-aligned columns are cut with "…". Widths count code points (the
 * sparkline bars and "…" are one column wide).
 */

export interface Column {
	head: string;
	align?: "left" | "right";
	/** Wraps to fit (descriptions); at most one such column is useful. */
	wrap?: boolean;
}

/** The width a terminal shows: stdout's columns when it is a TTY, else 80. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } | undefined): number {
	return stream?.isTTY === true && typeof stream.columns === "number" && stream.columns > 0
		? stream.columns
		: 80;
}

const GAP = "  ";
/** A wrapping column keeps room for its longest word, up to this. */
const MAX_WORD = 24;
const MIN_CUT = 6;

export function textWidth(s: string): number {
	return [...s].length;
}

function cut(s: string, width: number): string {
	return textWidth(s) <= width ? s : `${[...s].slice(0, Math.max(0, width - 1)).join("")}…`;
}

/** Word-wraps `text` to lines of at most `width` (a word longer than that is cut). */
export function wrapText(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = "";
	for (const word of text.split(/\s+/).filter((w) => w !== "")) {
		const w = cut(word, width);
		if (line === "") line = w;
		else if (textWidth(line) + 1 + textWidth(w) <= width) line += ` ${w}`;
		else {
			lines.push(line);
			line = w;
		}
	}
	lines.push(line);
	return lines;
}

/** A table as text (ending with a newline) whose lines are at most `width` wide. */
export function formatTable(
	columns: readonly Column[],
	rows: readonly (readonly string[])[],
	width = 80,
): string {
	const widths = columns.map((c, k) =>
		Math.max(textWidth(c.head), ...rows.map((r) => textWidth(r[k] ?? ""))),
	);
	const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
	columns.forEach((c, k) => {
		if (c.wrap !== true || total() <= width) return;
		const words = rows.flatMap((r) => (r[k] ?? "").split(/\s+/));
		const minimum = Math.min(MAX_WORD, Math.max(textWidth(c.head), ...words.map(textWidth)));
		widths[k] = Math.max(minimum, widths[k]! - (total() - width));
	});
	while (total() > width) {
		let widest = -1;
		columns.forEach((c, k) => {
			if (
				c.align !== "right" &&
				c.wrap !== true &&
				widths[k]! > MIN_CUT &&
				(widest < 0 || widths[k]! > widths[widest]!)
			)
				widest = k;
		});
		if (widest < 0) break;
		widths[widest] = Math.max(MIN_CUT, widths[widest]! - (total() - width));
	}
	const pad = (s: string, k: number) => {
		const fill = " ".repeat(Math.max(0, widths[k]! - textWidth(s)));
		return columns[k]!.align === "right" ? fill + s : s + fill;
	};
	const render = (cells: readonly string[]): string[] => {
		const parts = columns.map((c, k) =>
			c.wrap === true && textWidth(cells[k] ?? "") > widths[k]!
				? wrapText(cells[k] ?? "", widths[k]!)
				: [cut(cells[k] ?? "", widths[k]!)],
		);
		const height = Math.max(...parts.map((p) => p.length));
		const lines: string[] = [];
		for (let i = 0; i < height; i++)
			lines.push(
				parts
					.map((p, k) => pad(p[i] ?? "", k))
					.join(GAP)
					.trimEnd(),
			);
		return lines;
	};
	const out = [...render(columns.map((c) => c.head)), ...rows.flatMap(render)];
	return `${out.join("\n")}\n`;
}
