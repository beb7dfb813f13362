/**
 * A pattern or a package is registered once: its name is written in its own
 * file, and everything that lists names (the spec schema's enum, resolution,
 * flags, `mesosim package list`, the docs tables, "did you mean") reads the
 * registry. These tests fail if a consumer keeps a list of its own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
	CATALOG,
	describePackage,
	frameworkFromFlag,
	listPackages,
	listPatterns,
	PACKAGE_NAMES,
	PATTERN_NAMES,
	PATTERNS,
	resolveChameleonSpec,
} from "../../frameworks/chameleon/index.js";
import type { PatternModule } from "../../frameworks/chameleon/patterns/index.js";
import { referenceTables } from "../../frameworks/chameleon/reference.js";
import { byName } from "../../frameworks/chameleon/registry.js";
import { ChameleonSpecSchema } from "../../frameworks/chameleon/spec/index.js";
import { main } from "../../sim/cli/main.js";
import { captureCliIo } from "../helpers/cli-io.js";

const DIR = new URL("../../frameworks/chameleon/", import.meta.url);
const NOT_PATTERNS = new Set(["base.ts", "meta.ts", "index.ts"]);
const NOT_PACKAGES = new Set(["types.ts", "index.ts"]);
const stems = (sub: string, skip: Set<string>) =>
	readdirSync(new URL(sub, DIR))
		.filter((f) => f.endsWith(".ts") && !skip.has(f))
		.map((f) => f.slice(0, -3));

async function cli(...args: string[]): Promise<string> {
	const { out, io } = captureCliIo();
	expect(await main(["node", "mesosim", ...args], io)).toBe(0);
	return out.stdout;
}

/** The first column of the markdown table under `### title` in the docs reference. */
function tableColumn(title: string): string[] {
	const lines = referenceTables().split("\n");
	const start = lines.indexOf(`### ${title}`);
	const rows: string[] = [];
	for (const line of lines.slice(start + 4)) {
		if (!line.startsWith("| `")) break;
		rows.push(line.split("`")[1]!);
	}
	return rows;
}

/** A typo of `name`: its last two letters swapped. */
const typo = (name: string) => `${name.slice(0, -2)}${name.at(-1)}${name.at(-2)}`;

describe("pattern registry", () => {
	it("registers every pattern file once, under the name the file exports", async () => {
		const files = stems("patterns/", NOT_PATTERNS);
		expect([...PATTERN_NAMES].sort()).toEqual([...files].sort());
		for (const file of files) {
			const mod = (await import(new URL(`patterns/${file}.ts`, DIR).href)) as PatternModule;
			expect(mod.name).toBe(file);
			expect(PATTERNS[mod.name as keyof typeof PATTERNS]).toBe(mod.meta);
		}
	});

	it("every consumer sees exactly the registry's names, in its order", async () => {
		const names = [...PATTERN_NAMES];
		const groupSchema = (
			ChameleonSpecSchema.properties.groups as unknown as { items: Record<string, unknown> }
		).items;
		const patternEnum = (groupSchema.properties as { pattern: { anyOf: { const: string }[] } }).pattern.anyOf;
		expect(patternEnum.map((l) => l.const)).toEqual(names);
		expect(Object.keys(PATTERNS)).toEqual(names);
		expect(listPatterns().map((p) => p.name)).toEqual(names);
		expect(tableColumn("Patterns")).toEqual(names);
		const json = JSON.parse(await cli("package", "list", "--patterns", "--json")) as { name: string }[];
		expect(json.map((p) => p.name)).toEqual(names);
	});

	it("a typo of any pattern name is answered with that name", () => {
		for (const name of PATTERN_NAMES) {
			expect(() => frameworkFromFlag(`pattern:${typo(name)}`)).toThrow(`close matches: ${name}`);
			expect(() => resolveChameleonSpec({ groups: [{ name: "g", pattern: typo(name) }] }, "x")).toThrow(
				`(did you mean "${name}"?)`,
			);
		}
	});

	it("no chameleon source outside a pattern's file (and the catalog's specs) writes its name", () => {
		const sources = readdirSync(DIR, { recursive: true, encoding: "utf8" }).filter(
			(f) => f.endsWith(".ts") && !f.startsWith("catalog/"),
		);
		for (const name of PATTERN_NAMES) {
			const quoted = new RegExp(`["'\`]${name}["'\`]`);
			const writers = sources.filter(
				(f) => f !== `patterns/${name}.ts` && quoted.test(readFileSync(new URL(f, DIR), "utf8")),
			);
			expect(writers, name).toEqual([]);
		}
	});
});

describe("catalog registry", () => {
	it("registers every catalog file once, under the name the entry carries", async () => {
		const files = stems("catalog/", NOT_PACKAGES);
		expect([...PACKAGE_NAMES].sort()).toEqual([...files].sort());
		for (const file of files) {
			const mod = (await import(new URL(`catalog/${file}.ts`, DIR).href)) as Record<string, { name: string }>;
			// a catalog entry: it has a spec and an expectation (a file may export helpers besides)
			const entries = Object.values(mod).filter(
				(v) => typeof v === "object" && "spec" in v && "expected" in v,
			);
			expect(entries).toHaveLength(1);
			expect(entries[0]!.name).toBe(file);
			expect(CATALOG[file]).toBe(entries[0]);
		}
	});

	it("every consumer sees exactly the catalog's names, in its order", async () => {
		const names = [...PACKAGE_NAMES];
		expect(Object.keys(CATALOG)).toEqual(names);
		expect(listPackages().map((p) => p.name)).toEqual(names);
		expect(tableColumn("Catalog")).toEqual(names);
		const json = JSON.parse(await cli("package", "list", "--json")) as { name: string }[];
		expect(json.map((p) => p.name)).toEqual(names);
		for (const e of Object.values(CATALOG)) for (const p of e.patterns) expect(PATTERN_NAMES).toContain(p);
	});

	it("a typo of any package name is answered with that name", () => {
		for (const name of PACKAGE_NAMES) {
			expect(() => describePackage(typo(name))).toThrow(name);
			expect(() => frameworkFromFlag(typo(name))).toThrow(`close matches: ${name}`);
		}
	});

	it("a name registered twice is refused when the registry is built", () => {
		expect(() =>
			byName("package", [
				["a", 1],
				["b", 2],
				["a", 3],
			]),
		).toThrow('package "a" is registered twice');
		expect(
			byName("package", [
				["a", 1],
				["b", 2],
			]),
		).toEqual({ a: 1, b: 2 });
	});
});
