/**
 * A web UI directory at the root of the master's port, as Mesos's
 * `--webui_dir` (src/master/master.cpp: `/` is the directory's index.html, its
 * files are served under `/`: `/app/...`, `/assets/...`). `mesosim serve
 * --webui-dir DIR` points it at, for example, the stock Mesos UI (src/webui
 * of a Mesos checkout).
 *
 * Routes: GET `/` and GET `/*`. fastify matches the API's static and
 * parametric routes first, so a path reaches this handler only when no API
 * route takes it; a path naming no file of DIR gets the app's usual 404.
 * Paths are resolved inside DIR (no `..` escapes, no dot-files).
 * Without the option nothing is registered here: `/` keeps the app's own
 * behaviour (registerWebUi is the one place to swap for another root).
 */
import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".json": "application/json",
	".map": "application/json",
	".png": "image/png",
	".gif": "image/gif",
	".jpg": "image/jpeg",
	".jpeg": "image/jpeg",
	".svg": "image/svg+xml",
	".ico": "image/x-icon",
	".woff": "font/woff",
	".woff2": "font/woff2",
	".ttf": "font/ttf",
	".eot": "application/vnd.ms-fontobject",
	".txt": "text/plain; charset=utf-8",
};

/** The file of `root` that a URL path names, or null when it would leave root or names a dot-file. */
export function webUiFile(root: string, urlPath: string): string | null {
	let decoded: string;
	try {
		decoded = decodeURIComponent(urlPath);
	} catch {
		return null;
	}
	const parts = decoded.split("/").filter((p) => p !== "");
	if (parts.some((p) => p.startsWith(".") || p.includes("\\") || p.includes("\0"))) return null;
	const file = resolve(root, ...parts);
	return file === root || file.startsWith(root + sep) ? file : null;
}

/** Serves `dir` as the UI root: `/` is dir/index.html, other paths the files under dir. */
export function registerWebUi(app: FastifyInstance, dir: string): void {
	const root = resolve(dir);
	const serve = async (reply: FastifyReply, urlPath: string) => {
		let file = webUiFile(root, urlPath);
		if (file === null) return reply.callNotFound();
		try {
			if ((await stat(file)).isDirectory()) file = resolve(file, "index.html");
			const body = await readFile(file);
			const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
			return reply.code(200).header("Content-Type", type).send(body);
		} catch {
			return reply.callNotFound();
		}
	};
	app.get("/", (_req, reply) => serve(reply, "/"));
	app.get("/*", (req, reply) => serve(reply, req.url.split("?")[0]!));
}
