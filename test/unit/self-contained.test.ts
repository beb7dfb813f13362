/**
 * The repository stands alone: no tracked text file (code, docs, examples,
 * CLI strings) points at notes outside it, and every `docs/<name>.md §N`
 * citation names a doc that exists and has a heading for section N
 * (docs/mesos-rules.md, docs/workloads.md keep their section numbers).
 * A failure lists each offending file:line.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * Mentions of files outside the repository. Built from pieces so that this
 * file does not match itself.
 */
const OUTSIDE: readonly string[] = [
	["..", "/shared"],
	["/work", "/shared"],
	["reference/", "mesos-api", ".md"],
	["reference/", "workloads", ".md"],
	["mesos-api", ".md"],
	["DESIGN", ".md"],
	["STYLE", ".md"],
].map((parts) => parts.join(""));

/** `docs/<name>.md §N`, optionally `§N, §M and §K` after it. */
const CITATION = /docs\/([A-Za-z0-9_.-]+)\.md`?\s*(§\s*\d+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)§\s*\d+)*)/g;

/** A `<name>.md §N` citation without the `docs/` path: it cannot be resolved. */
const BARE_CITATION = /(?<![\w/.-])([A-Za-z0-9_-]+)\.md`?\s*§\s*\d+/g;

/** Section numbers a markdown text has headings for (`## §4 Allocator`, `## 4. Allocator`). */
function sectionsOf(markdown: string): Set<number> {
	const out = new Set<number>();
	for (const line of markdown.split("\n")) {
		const m = /^#{1,6}\s+§?\s*(\d+)(?:[.:\s]|$)/.exec(line);
		if (m) out.add(Number(m[1]));
	}
	return out;
}

/** Every problem in one file's text, as `file:line: what`. */
function problemsIn(
	file: string,
	text: string,
	sectionsOfDoc: (name: string) => Set<number> | undefined,
): string[] {
	const out: string[] = [];
	const lines = text.split("\n");
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		const at = `${file}:${i + 1}`;
		for (const s of OUTSIDE) if (line.includes(s)) out.push(`${at}: mentions "${s}"`);
		for (const m of line.matchAll(BARE_CITATION)) {
			out.push(`${at}: cites "${m[0]}" without its path (write docs/${m[1]}.md §N)`);
		}
		for (const m of line.matchAll(CITATION)) {
			const name = m[1]!;
			const sections = sectionsOfDoc(name);
			if (sections === undefined) {
				out.push(`${at}: cites docs/${name}.md, which does not exist`);
				continue;
			}
			for (const n of m[2]!.matchAll(/§\s*(\d+)/g)) {
				if (!sections.has(Number(n[1])))
					out.push(`${at}: cites docs/${name}.md §${n[1]}, which has no such section`);
			}
		}
	}
	return out;
}

/** Tracked files (git ls-files); a plain walk when this is not a git checkout. */
function repositoryFiles(): string[] {
	try {
		const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
		return out.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)));
	} catch {
		const files: string[] = [];
		const walk = (dir: string): void => {
			for (const name of readdirSync(dir)) {
				if (name === "node_modules" || name === ".git" || name === "dist") continue;
				const p = join(dir, name);
				if (statSync(p).isDirectory()) walk(p);
				else files.push(relative(ROOT, p).split(sep).join("/"));
			}
		};
		walk(ROOT);
		return files;
	}
}

/** The file's text, or undefined for a binary file (a NUL byte near its start). */
function textOf(file: string): string | undefined {
	const bytes = readFileSync(join(ROOT, file));
	if (bytes.subarray(0, 8192).includes(0)) return undefined;
	return bytes.toString("utf8");
}

function docSections(name: string): Set<number> | undefined {
	const path = join(ROOT, "docs", `${name}.md`);
	return existsSync(path) ? sectionsOf(readFileSync(path, "utf8")) : undefined;
}

describe("the repository is self-contained", () => {
	it("finds outside mentions and bad citations, with file:line", () => {
		// "§" comes in through S, so that this file's own text holds no citation.
		const S = "§";
		const docs = (name: string) => (name === "rules" ? new Set([1, 4]) : undefined);
		const text = [
			`fine: docs/rules.md ${S}1 and docs/rules.md ${S}4`,
			`bad: see ${OUTSIDE[0]}/x and ${OUTSIDE[5]}`,
			`bad: docs/rules.md ${S}2, ${S}4 and docs/none.md ${S}1`,
			`bad: rules.md ${S}1; fine: RFC 9112 ${S}9.3`,
		].join("\n");
		expect(problemsIn("x.ts", text, docs)).toEqual([
			`x.ts:2: mentions "${OUTSIDE[0]}"`,
			`x.ts:2: mentions "${OUTSIDE[5]}"`,
			`x.ts:3: cites docs/rules.md ${S}2, which has no such section`,
			"x.ts:3: cites docs/none.md, which does not exist",
			`x.ts:4: cites "rules.md ${S}1" without its path (write docs/rules.md ${S}N)`,
		]);
	});

	it("reads section headings with or without §", () => {
		expect([...sectionsOf("# T\n## §1 A\n## 2. B\n### §3: C\n## Sources\n## 10 D\n#5 no")]).toEqual([
			1, 2, 3, 10,
		]);
	});

	it("the Mesos rules and the workloads docs have their sections", () => {
		expect([...(docSections("mesos-rules") ?? [])]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect([...(docSections("workloads") ?? [])]).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it("no tracked text file points outside the repository or cites a missing section", () => {
		const files = repositoryFiles();
		expect(files.length).toBeGreaterThan(50);
		const problems: string[] = [];
		for (const f of files) {
			const text = textOf(f);
			if (text !== undefined) problems.push(...problemsIn(f, text, docSections));
		}
		expect(problems).toEqual([]);
	});
});
