/**
 * Generates the field reference tables of docs/scenario.md from the schema
 * (descriptions, defaults, types), so the documentation cannot drift from
 * what the validator accepts. A test compares the generated block with the
 * file; to update the file run:
 *
 *   npx tsx sim/scenario/docs.ts --write
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TSchema } from "typebox";
import { DOC_SECTIONS, X_TYPE } from "./schema.js";

type JsonSchema = Record<string, unknown>;

export const BEGIN_MARKER = "<!-- BEGIN GENERATED FIELD TABLES: npx tsx sim/scenario/docs.ts --write -->";
export const END_MARKER = "<!-- END GENERATED FIELD TABLES -->";

function bound(s: JsonSchema): string {
	const parts: string[] = [];
	if (typeof s.minimum === "number") parts.push(`≥ ${s.minimum}`);
	if (typeof s.exclusiveMinimum === "number") parts.push(`> ${s.exclusiveMinimum}`);
	if (typeof s.maximum === "number") parts.push(`≤ ${s.maximum}`);
	return parts.length === 0 ? "" : ` ${parts.join(", ")}`;
}

/** A short type name for a schema. */
export function typeName(schema: TSchema): string {
	const s = schema as JsonSchema;
	if (typeof s[X_TYPE] === "string") return s[X_TYPE];
	if ("const" in s) return JSON.stringify(s.const);
	if (Array.isArray(s.anyOf)) return (s.anyOf as TSchema[]).map(typeName).join(" | ");
	switch (s.type) {
		case "integer":
			return `integer${bound(s)}`;
		case "number":
			return `number${bound(s)}`;
		case "string":
			return "string";
		case "boolean":
			return "boolean";
		case "null":
			return "null";
		case "array": {
			const items = s.items as JsonSchema | undefined;
			if (items === undefined) return "list";
			if (items.type === "object" || Array.isArray(items.anyOf)) return "list of objects";
			return `list of ${typeName(items as TSchema)}`;
		}
		case "object":
			return "object";
		default:
			return "any";
	}
}

function cell(text: string): string {
	return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function defaultText(value: unknown): string {
	if (value === null) return "`null`";
	if (typeof value === "string") return `\`${value}\``;
	return `\`${JSON.stringify(value).replaceAll('"', "").replaceAll(",", ", ").replaceAll(":", ": ")}\``;
}

/** One markdown table per documented section. */
export function generateFieldTables(): string {
	const out: string[] = [];
	for (const section of DOC_SECTIONS) {
		const s = section.schema as JsonSchema;
		out.push(`### ${section.title}`, "");
		if (typeof s.description === "string") out.push(`${s.description}`, "");
		out.push("| field | type | default | meaning |", "|---|---|---|---|");
		const required = new Set((s.required as string[] | undefined) ?? []);
		for (const [key, p] of Object.entries((s.properties as Record<string, JsonSchema>) ?? {})) {
			const def = required.has(key) ? "**required**" : "default" in p ? defaultText(p.default) : "—";
			const description = typeof p.description === "string" ? p.description : "";
			out.push(
				`| \`${section.path}${key}\` | ${cell(typeName(p as TSchema))} | ${cell(def)} | ${cell(description)} |`,
			);
		}
		out.push("");
	}
	return out.join("\n").trimEnd();
}

/**
 * Markdown with table rows in one canonical spacing ("| a | b |", separator
 * rows "|---|"), so a formatter's column alignment does not count as a change.
 */
export function normalizeTables(markdown: string): string {
	return markdown
		.split("\n")
		.map((line) => {
			const t = line.trim();
			if (!t.startsWith("|")) return line.trimEnd();
			const cells = t
				.slice(1, t.endsWith("|") && !t.endsWith("\\|") ? -1 : undefined)
				.split(/(?<!\\)\|/)
				.map((c) => c.trim());
			if (cells.every((c) => /^:?-+:?$/.test(c))) return `|${cells.map(() => "---").join("|")}|`;
			return `| ${cells.join(" | ")} |`;
		})
		.join("\n");
}

/** The text between the markers of a markdown file, or undefined if they are missing. */
export function generatedBlock(markdown: string): string | undefined {
	const begin = markdown.indexOf(BEGIN_MARKER);
	const end = markdown.indexOf(END_MARKER);
	if (begin < 0 || end < begin) return undefined;
	return markdown.slice(begin + BEGIN_MARKER.length, end).trim();
}

/** Replaces the generated block of docs/scenario.md. */
export function updateDocs(path: string): boolean {
	const text = readFileSync(path, "utf8");
	const begin = text.indexOf(BEGIN_MARKER);
	const end = text.indexOf(END_MARKER);
	if (begin < 0 || end < begin) throw new Error(`${path}: generated-block markers not found`);
	const next = `${text.slice(0, begin + BEGIN_MARKER.length)}\n\n${generateFieldTables()}\n\n${text.slice(end)}`;
	if (next === text) return false;
	writeFileSync(path, next);
	return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
	const docs = fileURLToPath(new URL("../../docs/scenario.md", import.meta.url));
	if (process.argv.includes("--write")) {
		const changed = updateDocs(docs);
		process.stdout.write(changed ? `updated ${docs}\n` : `${docs} is up to date\n`);
	} else process.stdout.write(`${generateFieldTables()}\n`);
}
