/**
 * docs/architecture.md, Layers: nothing below the drivers (sim/runner, the cli) reads the wall clock,
 * Math.random or timers; time and randomness come from the engine. This test
 * scans the simulated system's sources (HTTP adapters excepted) for them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SCANNED = ["master", "agents", "frameworks", "engine"];
const FORBIDDEN = [
	"Date.now(",
	"new Date(",
	"Math.random(",
	"setTimeout(",
	"setInterval(",
	"setImmediate(",
	"performance.now(",
	// Fresh randomness (a live master's id seed) is drawn by the drivers and passed down.
	"randomUUID(",
	"randomBytes(",
	"getRandomValues(",
];

/** Blanks out comments (keeping line breaks), leaving code and string literals. */
function stripComments(src: string): string {
	let out = "";
	let i = 0;
	const n = src.length;
	while (i < n) {
		const c = src[i]!;
		const next = src[i + 1];
		if (c === "/" && next === "/") {
			while (i < n && src[i] !== "\n") {
				out += " ";
				i++;
			}
		} else if (c === "/" && next === "*") {
			const end = src.indexOf("*/", i + 2);
			const stop = end < 0 ? n : end + 2;
			for (; i < stop; i++) out += src[i] === "\n" ? "\n" : " ";
		} else if (c === '"' || c === "'" || c === "`") {
			out += c;
			i++;
			while (i < n && src[i] !== c) {
				if (src[i] === "\\" && i + 1 < n) {
					out += src[i];
					i++;
				}
				if (c !== "`" && src[i] === "\n") break; // unterminated: stop at the line end
				out += src[i];
				i++;
			}
			if (i < n) {
				out += src[i];
				i++;
			}
		} else {
			out += c;
			i++;
		}
	}
	return out;
}

/** `file:line: pattern` for every forbidden call outside comments. */
function findForbidden(file: string, src: string): string[] {
	const hits: string[] = [];
	const lines = stripComments(src).split("\n");
	lines.forEach((line, k) => {
		for (const p of FORBIDDEN) if (line.includes(p)) hits.push(`${file}:${k + 1}: ${p}`);
	});
	return hits;
}

function isHttpPath(rel: string): boolean {
	return rel.split(sep).includes("http");
}

function tsFiles(dir: string): string[] {
	const out: string[] = [];
	let entries: import("node:fs").Dirent[];
	try {
		entries = readdirSync(dir, { withFileTypes: true });
	} catch {
		return out;
	}
	for (const e of entries) {
		const p = join(dir, e.name);
		if (isHttpPath(relative(ROOT, p))) continue;
		if (e.isDirectory()) out.push(...tsFiles(p));
		else if (e.isFile() && e.name.endsWith(".ts")) out.push(p);
	}
	return out;
}

describe("no wall clock in the simulated system", () => {
	it("the comment stripper keeps code and strings, blanks comments, keeps line numbers", () => {
		const src = [
			"const a = 1; // Date.now() in a line comment",
			"/* Math.random() in a",
			"   block comment */ const b = 2;",
			'const s = "// not a comment"; Date.now();',
			"const t = `/* nor this */`; // setTimeout(",
			"/** doc: new Date() */",
		].join("\n");
		const stripped = stripComments(src);
		expect(stripped.split("\n")).toHaveLength(6);
		expect(stripped).not.toContain("Math.random");
		expect(stripped).toContain("const b = 2;");
		expect(stripped).toContain('"// not a comment"');
		expect(stripped).toContain("`/* nor this */`");
		expect(findForbidden("x.ts", src)).toEqual(["x.ts:4: Date.now("]);
	});

	it("skips HTTP adapters only", () => {
		expect(isHttpPath(join("master", "http", "server.ts"))).toBe(true);
		expect(isHttpPath(join("frameworks", "sdk", "http", "client.ts"))).toBe(true);
		expect(isHttpPath(join("frameworks", "sdk", "httpish.ts"))).toBe(false);
		expect(isHttpPath(join("master", "master.ts"))).toBe(false);
	});

	it("master/, agents/, frameworks/ and engine/ never read the wall clock, Math.random, crypto randomness or timers", () => {
		const files = SCANNED.flatMap((d) => tsFiles(join(ROOT, d)));
		// The scan must see the core, or it proves nothing.
		const rel = files.map((f) => relative(ROOT, f).split(sep).join("/"));
		for (const must of [
			"master/master.ts",
			"master/allocator/allocator.ts",
			"agents/fleet.ts",
			"engine/engine.ts",
		]) {
			expect(rel).toContain(must);
		}
		const hits = files.flatMap((f) =>
			findForbidden(relative(ROOT, f).split(sep).join("/"), readFileSync(f, "utf8")),
		);
		expect(hits, `wall clock, Math.random or timers used in:\n${hits.join("\n")}`).toEqual([]);
	});
});
