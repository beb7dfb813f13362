/**
 * The reference tables of docs/chameleon.md, generated from the spec schema,
 * the pattern registry and the catalog, so the documentation cannot drift
 * from what the chameleon accepts (a test compares them with the file).
 * Print them with:  npx tsx -e 'import("./frameworks/chameleon/reference.ts").then(m => console.log(m.referenceTables()))'
 */
import type { TSchema } from "typebox";
import { CATALOG, PACKAGE_NAMES } from "./catalog/index.js";
import { X_TYPE } from "./dist.js";
import { PATTERN_NAMES, PATTERNS } from "./patterns/index.js";
import { SPEC_SECTIONS } from "./spec/index.js";

type JsonSchema = Record<string, unknown>;

export const BEGIN_MARKER = "<!-- BEGIN GENERATED: frameworks/chameleon/reference.ts -->";
export const END_MARKER = "<!-- END GENERATED -->";

function typeName(schema: TSchema): string {
	const s = schema as JsonSchema;
	if (typeof s[X_TYPE] === "string") return s[X_TYPE];
	if ("const" in s) return JSON.stringify(s.const);
	if (Array.isArray(s.anyOf)) return (s.anyOf as TSchema[]).map(typeName).join(" | ");
	switch (s.type) {
		case "integer":
		case "number": {
			const parts: string[] = [];
			if (typeof s.minimum === "number") parts.push(`≥ ${s.minimum}`);
			if (typeof s.exclusiveMinimum === "number") parts.push(`> ${s.exclusiveMinimum}`);
			if (typeof s.maximum === "number") parts.push(`≤ ${s.maximum}`);
			return `${s.type}${parts.length > 0 ? ` ${parts.join(", ")}` : ""}`;
		}
		case "array": {
			const items = s.items as JsonSchema | undefined;
			if (items === undefined) return "list";
			if (items.type === "object" || Array.isArray(items.anyOf)) return "list of objects";
			return `list of ${typeName(items as TSchema)}`;
		}
		default:
			return typeof s.type === "string" ? s.type : "any";
	}
}

const cell = (t: string) => t.replaceAll("|", "\\|").replaceAll("\n", " ");

function defaultText(v: unknown): string {
	return typeof v === "string" ? `\`${v}\`` : `\`${JSON.stringify(v)}\``;
}

/** Field tables, the pattern table and the catalog table, as markdown. */
export function referenceTables(): string {
	const out: string[] = [];
	for (const section of SPEC_SECTIONS) {
		const s = section.schema as JsonSchema;
		out.push(`### ${section.title}`, "");
		if (typeof s.description === "string") out.push(s.description, "");
		out.push("| field | type | default | meaning |", "|---|---|---|---|");
		const required = new Set((s.required as string[] | undefined) ?? []);
		for (const [key, p] of Object.entries((s.properties as Record<string, JsonSchema>) ?? {})) {
			const def = required.has(key) ? "**required**" : "default" in p ? defaultText(p.default) : "—";
			out.push(
				`| \`${section.path}${key}\` | ${cell(typeName(p as TSchema))} | ${cell(def)} | ${cell(String(p.description ?? ""))} |`,
			);
		}
		out.push("");
	}
	out.push("### Patterns", "", "| pattern | what it does | extra fields | stresses |", "|---|---|---|---|");
	for (const n of PATTERN_NAMES) {
		const m = PATTERNS[n];
		out.push(
			`| \`${n}\` | ${cell(m.description)} | ${m.fields.map((f) => `\`${f}\``).join(", ") || "—"} | ${cell(m.stresses)} |`,
		);
	}
	out.push(
		"",
		"### Catalog",
		"",
		"| package | patterns | expected tasks | description |",
		"|---|---|---|---|",
	);
	for (const n of PACKAGE_NAMES) {
		const e = CATALOG[n]!;
		const exp = `${e.expected.measure === "running" ? "" : "≥ "}${e.expected.tasks} ${e.expected.measure}${e.expected.group !== undefined ? ` (${e.expected.group})` : ""} by ${e.expected.within}`;
		out.push(`| \`${n}\` | ${e.patterns.join(", ")} | ${exp} | ${cell(e.description)} |`);
	}
	return out.join("\n");
}

/** The text between the markers of a markdown file, or undefined. */
export function generatedBlock(markdown: string): string | undefined {
	const b = markdown.indexOf(BEGIN_MARKER);
	const e = markdown.indexOf(END_MARKER);
	if (b < 0 || e < b) return undefined;
	return markdown.slice(b + BEGIN_MARKER.length, e).trim();
}
