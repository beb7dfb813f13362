/**
 * Imports point down only (docs/architecture.md): common/ and sim/engine/ import
 * nothing of the project above them; the simulated system (master core,
 * agents, frameworks) never imports sim/ (except sim/engine) nor the HTTP
 * adapter; frameworks and agents see the master only through master/protocol.
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

/** Project-relative targets of every relative import/export-from in a file. */
function importsOf(file: string): string[] {
	const text = readFileSync(join(ROOT, file), "utf8");
	const out: string[] = [];
	for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"(\.[^"]+)"/g)) {
		out.push(relative(ROOT, resolve(join(ROOT, file, ".."), m[1]!)));
	}
	return out;
}

function violations(
	dirs: string[],
	allowed: (target: string, file: string) => boolean,
	exclude = /\/http\//,
): string[] {
	const bad: string[] = [];
	for (const d of dirs) {
		for (const f of tsFiles(d)) {
			if (exclude.test(f)) continue;
			for (const t of importsOf(f)) if (!allowed(t, f)) bad.push(`${f} imports ${t}`);
		}
	}
	return bad;
}

const under = (t: string, dir: string) => t === dir || t.startsWith(`${dir}/`);

describe("layers", () => {
	it("finds imports at all (the scan is not empty)", () => {
		expect(importsOf("master/master.ts").some((t) => under(t, "master/protocol"))).toBe(true);
	});

	it("common/ imports nothing of the project outside itself", () => {
		expect(violations(["common"], (t) => under(t, "common"))).toEqual([]);
	});

	it("sim/engine imports only itself and common/", () => {
		expect(violations(["sim/engine"], (t) => under(t, "sim/engine") || under(t, "common"))).toEqual([]);
	});

	it("the master core imports neither agents/, frameworks/, sim/ (but the engine) nor its HTTP adapter", () => {
		const ok = (t: string) =>
			(under(t, "master") && !under(t, "master/http")) || under(t, "sim/engine") || under(t, "common");
		expect(violations(["master"], ok)).toEqual([]);
	});

	it("agents/ and frameworks/ see the master only through master/protocol", () => {
		const ok = (t: string, f: string) =>
			under(t, f.split("/")[0]!) ||
			under(t, "master/protocol") ||
			under(t, "sim/engine") ||
			under(t, "common");
		expect(violations(["agents", "frameworks"], ok)).toEqual([]);
	});
});
