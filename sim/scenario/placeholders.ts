/**
 * Placeholders in script text: `{name}` shows the measured value of the
 * expectation `name`; `{name:FORMAT}` formats it:
 *
 *   {A.tasks}       3          whole numbers as they are, others to 3 decimals
 *   {A.share:%}     33.3 %     a fraction as a percentage, 1 decimal
 *   {A.share:.2}    0.33       exactly 2 decimals
 *   {A.share:/9}    2/9        as a fraction of 9 (decimals when not whole: 2.5/9)
 *
 * `{{` and `}}` write literal braces; inside a `code span` braces are literal. The text is parsed once into parts, so
 * the validator (every name exists) and the players (fill in values) agree.
 */

export type PlaceholderFormat =
	| { kind: "plain" }
	| { kind: "percent" }
	| { kind: "decimals"; digits: number }
	| { kind: "over"; denominator: number };

export type TextPart = { text: string } | { name: string; format: PlaceholderFormat };

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Splits text into literal parts and placeholders; throws Error with a message on a malformed one. */
export function parseText(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let literal = "";
	let i = 0;
	while (i < text.length) {
		const c = text[i]!;
		if (c === "`") {
			// A code span is literal: braces in it are not placeholders.
			const close = text.indexOf("`", i + 1);
			const end = close < 0 ? text.length : close + 1;
			literal += text.slice(i, end);
			i = end;
			continue;
		}
		if ((c === "{" || c === "}") && text[i + 1] === c) {
			literal += c;
			i += 2;
			continue;
		}
		if (c === "}") throw new Error(`a "}" at position ${i} closes nothing (write "}}" for a brace)`);
		if (c !== "{") {
			literal += c;
			i++;
			continue;
		}
		const end = text.indexOf("}", i);
		if (end < 0) throw new Error(`the "{" at position ${i} is never closed (write "{{" for a brace)`);
		const inner = text.slice(i + 1, end);
		const colon = inner.indexOf(":");
		const name = (colon < 0 ? inner : inner.slice(0, colon)).trim();
		if (!NAME.test(name)) throw new Error(`"{${inner}}" does not name an expectation`);
		const format = parseFormat(colon < 0 ? "" : inner.slice(colon + 1).trim(), inner);
		if (literal !== "") parts.push({ text: literal });
		literal = "";
		parts.push({ name, format });
		i = end + 1;
	}
	if (literal !== "") parts.push({ text: literal });
	return parts;
}

function parseFormat(spec: string, inner: string): PlaceholderFormat {
	if (spec === "") return { kind: "plain" };
	if (spec === "%") return { kind: "percent" };
	const decimals = /^\.(\d)$/.exec(spec);
	if (decimals !== null) return { kind: "decimals", digits: Number(decimals[1]) };
	const over = /^\/(\d+)$/.exec(spec);
	if (over !== null && Number(over[1]) > 0) return { kind: "over", denominator: Number(over[1]) };
	throw new Error(
		`"{${inner}}": unknown format "${spec}" (use %, .N for N decimals, or /N for a fraction of N)`,
	);
}

/** The names a text refers to (after parseText succeeded). */
export function placeholderNames(parts: readonly TextPart[]): string[] {
	return parts.flatMap((p) => ("name" in p ? [p.name] : []));
}

function trimmed(x: number, digits: number): string {
	return String(Number(x.toFixed(digits)));
}

/** A measured value as text; null (nothing to measure yet) is written "n/a". */
export function formatValue(value: number | null, format: PlaceholderFormat): string {
	if (value === null || !Number.isFinite(value)) return "n/a";
	switch (format.kind) {
		case "plain":
			return Number.isInteger(value) ? String(value) : trimmed(value, 3);
		case "percent":
			return `${(value * 100).toFixed(1)} %`;
		case "decimals":
			return value.toFixed(format.digits);
		case "over":
			return `${trimmed(value * format.denominator, 2)}/${format.denominator}`;
	}
}

/** Fills in the placeholders with `measured(name)`. */
export function renderText(parts: readonly TextPart[], measured: (name: string) => number | null): string {
	return parts.map((p) => ("name" in p ? formatValue(measured(p.name), p.format) : p.text)).join("");
}

/**
 * Numbers written into lesson text rather than measured: digits outside
 * placeholders and `code spans`, in a word that does not start with a letter
 * ("3 tasks", "2/9", "60s"; not "r3", "node-2", "A1"). Inputs of the
 * scenario (a task's `<1 CPU, 4 GB>`) go in code spans; what the run produced
 * goes through an expectation.
 */
export function bareNumbers(parts: readonly TextPart[]): string[] {
	const text = parts.map((p) => ("text" in p ? p.text : " ")).join("");
	const outsideCode = text.replace(/`[^`]*`/g, " ");
	const found: string[] = [];
	for (const m of outsideCode.matchAll(/[\p{L}\p{N}_/.-]+/gu)) {
		const word = m[0];
		if (/\p{N}/u.test(word) && !/^\p{L}/u.test(word)) found.push(word);
	}
	return found;
}
