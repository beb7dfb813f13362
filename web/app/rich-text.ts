/**
 * Lesson text (markdown-ish, as docs/scenario.md "Script" writes captions) to
 * DOM nodes: paragraphs split on blank lines, `code` and **bold** marked.
 * Built from text nodes, never innerHTML, so a caption cannot inject markup.
 */
import { el } from "./dom.js";

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*/g;

function inline(text: string): (Node | string)[] {
	const out: (Node | string)[] = [];
	let at = 0;
	for (const m of text.matchAll(INLINE)) {
		if (m.index > at) out.push(text.slice(at, m.index));
		out.push(m[1] !== undefined ? el("code", {}, m[1]) : el("b", {}, m[2] ?? ""));
		at = m.index + m[0].length;
	}
	if (at < text.length) out.push(text.slice(at));
	return out;
}

/** One <p> per paragraph of `text`. */
export function richText(text: string): HTMLElement[] {
	return text
		.trim()
		.split(/\n\s*\n/)
		.map((para) => el("p", {}, ...inline(para.replace(/\s*\n\s*/g, " "))));
}
