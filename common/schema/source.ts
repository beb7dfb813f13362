/**
 * Scenario text -> plain value, plus a locator that maps a path in that value
 * back to its line in the text. YAML or JSON is told by content: text whose
 * first non-blank character is `{` or `[` is JSON (unless it is a .yaml/.yml
 * file), anything else YAML. Both are parsed into a `yaml` Document too, for
 * the node ranges behind line numbers.
 */
import { extname } from "node:path";
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { simError } from "../errors.js";
import { limitTail } from "../limits.js";
import type { Locator, Path } from "./issues.js";

export type SourceFormat = "YAML" | "JSON";

export interface ParsedSource {
	value: unknown;
	format: SourceFormat;
	locate: Locator;
}

const MAX_ALIASES = 10_000;

/**
 * The parser's words, first line only. The yaml package recurses per nesting
 * level and reports a stack overflow as a parse error: say it is the nesting.
 */
function firstLine(message: string): string {
	if (message.includes("Maximum call stack size exceeded"))
		return `lists and maps nested deeper than the parser can follow; ${limitTail("nestingDepth")}`;
	const line = message.split("\n")[0] ?? message;
	return line.replace(/ at line \d+, column \d+:?\s*$/, "").trim();
}

function parseError(
	sourceName: string,
	format: SourceFormat,
	line: number,
	col: number,
	reason: string,
): never {
	throw simError("SIM_ERR_SCENARIO_PARSE", { location: `${sourceName}:${line}:${col}`, format, reason });
}

function lineColAt(text: string, offset: number): { line: number; col: number } {
	let line = 1;
	let start = 0;
	for (let k = 0; k < offset && k < text.length; k++) {
		if (text.charCodeAt(k) === 10) {
			line++;
			start = k + 1;
		}
	}
	return { line, col: Math.max(1, offset - start + 1) };
}

function yamlDocument(text: string): { doc: Document.Parsed; lc: LineCounter } {
	const lc = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
	return { doc, lc };
}

function keyText(node: unknown): string | undefined {
	if (isScalar(node)) return String(node.value);
	return undefined;
}

/** Builds a Locator over a parsed document: line of the node at a path, or of its nearest ancestor. */
function makeLocator(doc: Document.Parsed, lc: LineCounter): Locator {
	const lineOf = (node: unknown): number | undefined => {
		const range = (node as Node | null)?.range;
		return range === undefined || range === null ? undefined : lc.linePos(range[0]).line;
	};
	return (path: Path, anchor) => {
		let node: unknown = doc.contents;
		let best = lineOf(node);
		for (let k = 0; k < path.length; k++) {
			if (isAlias(node)) node = node.resolve(doc);
			const seg = path[k]!;
			if (isMap(node)) {
				const pair = node.items.find((p) => keyText(p.key) === String(seg));
				if (pair === undefined) return best;
				const keyLine = lineOf(pair.key);
				if (anchor === "key" && k === path.length - 1) return keyLine ?? best;
				best = lineOf(pair.value) ?? keyLine ?? best;
				node = pair.value;
			} else if (isSeq(node) && typeof seg === "number") {
				const item = node.items[seg];
				if (item === undefined) return best;
				best = lineOf(item) ?? best;
				node = item;
			} else return best;
		}
		return best;
	};
}

function looksLikeJson(text: string): boolean {
	const m = /^\s*(\S)/.exec(text);
	return m !== null && (m[1] === "{" || m[1] === "[");
}

/** JSON.parse's error position, if its message has one. */
function jsonErrorPosition(err: Error, text: string): { line: number; col: number } | undefined {
	const lc = /line (\d+) column (\d+)/.exec(err.message);
	if (lc !== null) return { line: Number(lc[1]), col: Number(lc[2]) };
	const pos = /at position (\d+)/.exec(err.message);
	if (pos !== null) return lineColAt(text, Number(pos[1]));
	return undefined;
}

function cleanJsonMessage(message: string): string {
	return firstLine(message)
		.replace(/ in JSON at position \d+.*$/, "")
		.replace(/, ".*" is not valid JSON$/, "")
		.replace(/ \(line \d+ column \d+\)$/, "");
}

/** Parses scenario text. Throws SimError SIM_ERR_SCENARIO_PARSE with file:line:col. */
export function parseSource(rawText: string, sourceName: string): ParsedSource {
	const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
	const ext = extname(sourceName).toLowerCase();
	const json = ext === ".json" || (ext !== ".yaml" && ext !== ".yml" && looksLikeJson(text));
	if (json) {
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (err) {
			const e = err as Error;
			const { doc } = yamlDocument(text);
			const yamlErr = doc.errors[0];
			const pos = jsonErrorPosition(e, text) ??
				(yamlErr?.linePos !== undefined
					? { line: yamlErr.linePos[0].line, col: yamlErr.linePos[0].col }
					: undefined) ?? {
					line: lineColAt(text, text.length).line,
					col: 1,
				};
			parseError(sourceName, "JSON", pos.line, pos.col, cleanJsonMessage(e.message));
		}
		const { doc, lc } = yamlDocument(text);
		// JSON.parse keeps the last of duplicate keys silently; say so instead.
		const dup = doc.errors.find((e) => e.code === "DUPLICATE_KEY");
		if (dup?.linePos !== undefined)
			parseError(sourceName, "JSON", dup.linePos[0].line, dup.linePos[0].col, firstLine(dup.message));
		const locate: Locator = doc.errors.length === 0 ? makeLocator(doc, lc) : () => undefined;
		return { value, format: "JSON", locate };
	}
	const { doc, lc } = yamlDocument(text);
	const err = doc.errors[0];
	if (err !== undefined) {
		const pos = err.linePos?.[0] ?? lineColAt(text, err.pos[0]);
		parseError(sourceName, "YAML", pos.line, pos.col, firstLine(err.message));
	}
	let value: unknown;
	try {
		value = doc.toJS({ maxAliasCount: MAX_ALIASES });
	} catch (e) {
		parseError(sourceName, "YAML", 1, 1, firstLine((e as Error).message));
	}
	return { value, format: "YAML", locate: makeLocator(doc, lc) };
}
