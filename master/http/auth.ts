/**
 * HTTP Basic authentication, as a Mesos master does it with its basic
 * authenticator (src/authentication/http/basic_authenticator.cpp) and the
 * flags --credentials, --authenticate_http_frameworks,
 * --authenticate_http_readwrite and --authenticate_http_readonly:
 *
 *   frameworks   POST /api/v1/scheduler (every call; scheduler.ts asks here)
 *   readwrite    operator calls that change something (POST /api/v1 other
 *                than GET_* and SUBSCRIBE; every other POST)
 *   readonly     GET_* and SUBSCRIBE on /api/v1; every GET but /health
 *
 * A request without valid credentials where they are required gets 401 with
 * `WWW-Authenticate: Basic realm="mesos"`. Secrets are compared in constant
 * time (of their SHA-256 digests). Which principal may do what beyond that
 * (a framework's own principal) is scheduler.ts's check, at the HTTP edge.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { FastifyInstance } from "fastify";
import { ApiError } from "./errors.js";

export const REALM = "mesos";

/** Which requests need credentials (all off by default, as in Mesos). */
export interface AuthOptions {
	/** principal → secret (the --credentials file). */
	credentials: ReadonlyMap<string, string>;
	frameworks: boolean;
	readwrite: boolean;
	readonly: boolean;
}

export type AuthScope = "frameworks" | "readwrite" | "readonly";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export class Authenticator {
	readonly options: AuthOptions;
	readonly #secrets = new Map<string, Buffer>();

	constructor(options: AuthOptions) {
		this.options = options;
		for (const [p, s] of options.credentials) this.#secrets.set(p, digest(s));
	}

	/** Whether requests of this scope need credentials. */
	required(scope: AuthScope): boolean {
		return this.options[scope];
	}

	/**
	 * The principal of the request's Basic credentials, or null when the scope
	 * needs none and none were sent. Throws 401 when the scope needs them and
	 * they are missing or wrong (wrong ones are refused in any scope).
	 */
	principal(headers: IncomingHttpHeaders, scope: AuthScope): string | null {
		const header = headers.authorization;
		if (header === undefined) {
			if (this.required(scope)) throw unauthorized("Missing credentials (HTTP Basic)");
			return null;
		}
		const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
		if (m === null) throw unauthorized("Credentials must be HTTP Basic");
		const text = Buffer.from(m[1]!, "base64").toString("utf8");
		const colon = text.indexOf(":");
		const principal = colon < 0 ? text : text.slice(0, colon);
		const secret = colon < 0 ? "" : text.slice(colon + 1);
		const known = this.#secrets.get(principal);
		// Compare even for an unknown principal, so the answer takes as long.
		const ok = timingSafeEqual(known ?? digest(`\0${secret}`), digest(secret)) && known !== undefined;
		if (!ok) throw unauthorized("Invalid credentials");
		return principal;
	}
}

function unauthorized(message: string): ApiError {
	return new ApiError("MST_ERR_UNAUTHORIZED", message, { "WWW-Authenticate": `Basic realm="${REALM}"` });
}

/** Paths anyone may read: load balancers and probes ask them without credentials. */
const OPEN_PATHS = new Set(["/health", "/master/health"]);

/** An operator call's type, read from its body (null when it cannot be read: the route answers that). */
function operatorCallType(body: unknown): string | null {
	try {
		const text = Buffer.isBuffer(body) ? body.toString("utf8") : typeof body === "string" ? body : null;
		if (text === null) return null;
		const t = (JSON.parse(text) as { type?: unknown }).type;
		return typeof t === "string" ? t : null;
	} catch {
		return null;
	}
}

/** The scope of a request other than the scheduler API's (scheduler.ts authenticates those). */
export function scopeOf(method: string, path: string, body: unknown): AuthScope | null {
	if (OPEN_PATHS.has(path)) return null;
	if (path === "/api/v1") {
		const type = operatorCallType(body);
		// A body whose type cannot be read needs the stricter scope: it is refused either way.
		if (type === null) return "readwrite";
		return type === "SUBSCRIBE" || type.startsWith("GET_") ? "readonly" : "readwrite";
	}
	return method === "GET" || method === "HEAD" ? "readonly" : "readwrite";
}

/** The hook that authenticates every fastify route but the scheduler API (which scheduler.ts does). */
export function registerAuth(app: FastifyInstance, auth: Authenticator | null, schedulerPath: string): void {
	if (auth === null) return;
	app.addHook("preHandler", async (req) => {
		const path = req.url.split("?")[0] ?? "";
		if (path === schedulerPath) return;
		const scope = scopeOf(req.method, path, req.body);
		if (scope !== null) auth.principal(req.headers, scope);
	});
}

/**
 * A --credentials file, in either of Mesos's formats (docs/authentication.md):
 * JSON `{"credentials":[{"principal":"…","secret":"…"}]}`, or text with one
 * `principal secret` pair a line. Throws Error with what is wrong.
 */
export function parseCredentials(text: string): Map<string, string> {
	const out = new Map<string, string>();
	const add = (principal: unknown, secret: unknown, where: string) => {
		if (typeof principal !== "string" || principal === "")
			throw new Error(`${where}: 'principal' must be a non-empty string`);
		if (typeof secret !== "string" || secret === "")
			throw new Error(`${where}: 'secret' must be a non-empty string`);
		if (principal.includes(":")) throw new Error(`${where}: a principal cannot contain ':' (HTTP Basic)`);
		if (out.has(principal)) throw new Error(`${where}: principal '${principal}' appears twice`);
		out.set(principal, secret);
	};
	const trimmed = text.trim();
	if (trimmed.startsWith("{")) {
		let doc: unknown;
		try {
			doc = JSON.parse(trimmed);
		} catch (err) {
			throw new Error(`not JSON: ${(err as Error).message}`);
		}
		const list = (doc as { credentials?: unknown }).credentials;
		if (!Array.isArray(list)) throw new Error('expected {"credentials":[{"principal":…,"secret":…}]}');
		list.forEach((c, i) => {
			add(c?.principal, c?.secret, `credentials[${i}]`);
		});
	} else {
		trimmed.split(/\r?\n/).forEach((line, i) => {
			if (line.trim() === "") return;
			const parts = line.trim().split(/\s+/);
			if (parts.length !== 2) throw new Error(`line ${i + 1}: expected 'principal secret'`);
			add(parts[0], parts[1], `line ${i + 1}`);
		});
	}
	if (out.size === 0) throw new Error("no credentials in it");
	return out;
}
