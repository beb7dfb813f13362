/**
 * Bundles the browser app (web/app, TypeScript) with esbuild at server start,
 * so the user runs no build command: esbuild is already installed with tsx
 * (pinned in package.json at tsx's version, so nothing new is downloaded).
 *
 * The result is cached by the content hash of its inputs (every file of
 * web/app, web/protocol.ts and uPlot's version) under
 * node_modules/.cache/mesosim-web/<hash>/, and in memory: a second start with
 * the same sources reads two files instead of bundling (~10 ms vs ~300 ms).
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export interface WebBundle {
	/** Short content hash of the inputs: part of the asset URLs. */
	hash: string;
	js: string;
	css: string;
}

const ROOT = resolve(import.meta.dirname, "../..");
const APP = join(ROOT, "web/app");
const ENTRY = join(APP, "main.ts");
const CACHE = join(ROOT, "node_modules/.cache/mesosim-web");

function filesUnder(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir).sort()) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...filesUnder(p));
		else out.push(p);
	}
	return out;
}

/** Hash of everything the bundle is made of. */
export function inputHash(): string {
	const h = createHash("sha256");
	for (const f of [
		...filesUnder(APP),
		join(ROOT, "web/protocol.ts"),
		join(ROOT, "node_modules/uplot/package.json"),
	]) {
		h.update(f.slice(ROOT.length));
		h.update("\0");
		h.update(readFileSync(f));
		h.update("\0");
	}
	return h.digest("hex").slice(0, 16);
}

let memo: WebBundle | null = null;

/** The bundle for the current sources: from memory, the disk cache, or a fresh esbuild run. */
export async function webBundle(): Promise<WebBundle> {
	const hash = inputHash();
	if (memo?.hash === hash) return memo;
	const dir = join(CACHE, hash);
	try {
		memo = {
			hash,
			js: readFileSync(join(dir, "app.js"), "utf8"),
			css: readFileSync(join(dir, "app.css"), "utf8"),
		};
		return memo;
	} catch {
		// not cached yet
	}
	const { build } = await import("esbuild");
	const out = await build({
		entryPoints: [ENTRY],
		bundle: true,
		write: false,
		outdir: "out",
		format: "iife",
		target: "es2022",
		minify: true,
		legalComments: "none",
		logLevel: "silent",
	});
	const text = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? "";
	memo = { hash, js: text(".js"), css: text(".css") };
	try {
		// Written under a temporary name and renamed: two servers starting at once never read half a file.
		const tmp = `${dir}.${process.pid}`;
		mkdirSync(tmp, { recursive: true });
		writeFileSync(join(tmp, "app.js"), memo.js);
		writeFileSync(join(tmp, "app.css"), memo.css);
		renameSync(tmp, dir);
	} catch {
		// A read-only or concurrently written cache only costs a rebuild next time.
	}
	return memo;
}
