/**
 * Imports point down only (docs/architecture.md, "Layers"):
 *
 *   sim/cli                                                top: parses flags, picks a driver
 *   web/ (server: feed, bundle; app: browser code)         the dashboard, a driver-level concern
 *   sim/ (runner, scenario, report, bench, remote)         build and drive a cluster
 *   master/http/                                           HTTP adapter of the master
 *   master/ core   agents/   frameworks/                   the simulated system
 *   master/protocol/                                       the master's published interface
 *   engine/                                                clock, events, random streams
 *   common/                                                coded errors, schema helpers
 *
 * Every import is read: static `import … from`, `export … from`, side-effect
 * `import "…"` and dynamic `import("…")`, in every file of a folder (no path
 * is exempt: frameworks/sdk/http is part of frameworks/ and obeys its rules).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function tsFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(join(ROOT, dir))) {
		const p = join(dir, name);
		if (statSync(join(ROOT, p)).isDirectory()) out.push(...tsFiles(p));
		else if (name.endsWith(".ts")) out.push(p);
	}
	return out;
}

/** Every relative module specifier in a source text, in order. */
function specifiersOf(text: string): string[] {
	const out: string[] = [];
	const patterns = [
		/(?:^|[\n;])\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["'](\.[^"']+)["']/g,
		/(?:^|[\n;])\s*import\s*["'](\.[^"']+)["']/g,
		/\bimport\s*\(\s*["'](\.[^"']+)["']\s*\)/g,
	];
	for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
	return out;
}

/** Project-relative targets of every relative import in a file. */
function importsOf(file: string): string[] {
	const text = readFileSync(join(ROOT, file), "utf8");
	return specifiersOf(text).map((s) => relative(ROOT, resolve(join(ROOT, file, ".."), s)));
}

function violations(
	dirs: string[],
	allowed: (target: string, file: string) => boolean,
	skip = /^$/,
): string[] {
	const bad: string[] = [];
	for (const d of dirs) {
		for (const f of tsFiles(d)) {
			if (skip.test(f)) continue;
			for (const t of importsOf(f)) if (!allowed(t, f)) bad.push(`${f} imports ${t}`);
		}
	}
	return bad;
}

const under = (t: string, dir: string) => t === dir || t.startsWith(`${dir}/`);
const base = (t: string) => under(t, "engine") || under(t, "common");

describe("layers", () => {
	it("reads static, re-export, side-effect and dynamic imports", () => {
		const src = [
			'import { a } from "./a.js";',
			'import type { B } from "../b.js";',
			'export { c } from "./c.js";',
			'export * from "./d.js";',
			'import "./e.js";',
			'const f = await import("./f.js");',
			"import {\n  g,\n  h,\n} from './g.js';",
			'import { x } from "node:fs";',
		].join("\n");
		expect(specifiersOf(src).sort()).toEqual([
			"../b.js",
			"./a.js",
			"./c.js",
			"./d.js",
			"./e.js",
			"./f.js",
			"./g.js",
		]);
	});

	it("finds imports at all (the scan is not empty)", () => {
		expect(importsOf("master/master.ts").some((t) => under(t, "master/protocol"))).toBe(true);
		expect(importsOf("frameworks/sdk/http/transport.ts").length).toBeGreaterThan(0);
	});

	it("common/ imports nothing of the project outside itself", () => {
		expect(violations(["common"], (t) => under(t, "common"))).toEqual([]);
	});

	it("engine/ imports only itself and common/", () => {
		expect(violations(["engine"], (t) => under(t, "engine") || under(t, "common"))).toEqual([]);
	});

	it("master/protocol imports only itself, the engine and common/", () => {
		expect(violations(["master/protocol"], (t) => under(t, "master/protocol") || base(t))).toEqual([]);
	});

	it("the master core imports neither agents/, frameworks/, sim/ nor its HTTP adapter", () => {
		const ok = (t: string) => (under(t, "master") && !under(t, "master/http")) || base(t);
		expect(violations(["master"], ok, /^master\/http\//)).toEqual([]);
	});

	it("master/http imports the master and below, never agents/, frameworks/ or sim/", () => {
		expect(violations(["master/http"], (t) => under(t, "master") || base(t))).toEqual([]);
	});

	it("agents/ and frameworks/ (all of it, sdk/http too) see the master only through master/protocol", () => {
		const ok = (t: string, f: string) => under(t, f.split("/")[0]!) || under(t, "master/protocol") || base(t);
		expect(violations(["agents", "frameworks"], ok)).toEqual([]);
	});

	it("agents/ and frameworks/ do not import each other", () => {
		expect(violations(["agents"], (t) => !under(t, "frameworks"))).toEqual([]);
		expect(violations(["frameworks"], (t) => !under(t, "agents"))).toEqual([]);
	});

	it("web/server imports the sim/ drivers and below, never the cli; web/app only the shared wire format, which imports nothing", () => {
		const wire = (t: string) => t === "web/protocol.js";
		const server = (t: string) =>
			under(t, "web/server") ||
			wire(t) ||
			(under(t, "sim") && !under(t, "sim/cli")) ||
			under(t, "master") ||
			under(t, "frameworks") ||
			base(t);
		expect(violations(["web/server"], server)).toEqual([]);
		expect(violations(["web/app"], (t) => under(t, "web/app") || wire(t))).toEqual([]);
		expect(importsOf("web/protocol.ts")).toEqual([]);
		expect(importsOf("web/app/main.ts").some(wire)).toBe(true);
	});

	it("nothing below the cli imports web/ (the dashboard sits above the drivers)", () => {
		const dirs = ["common", "engine", "master", "agents", "frameworks", "sim"];
		expect(violations(dirs, (t) => !under(t, "web"), /^sim\/cli\//)).toEqual([]);
	});
});
