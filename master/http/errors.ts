/**
 * The HTTP layer's coded errors (MST_ERR_*), in the manner of fastify's
 * lib/errors.js: one entry per kind of refusal with its status code. Handlers
 * throw `ApiError`; the app's one error handler (app.ts) turns any error into
 * a plain-text response, as Mesos answers (`text/plain; charset=utf-8`, the
 * message as the body). docs/api.md tables every code.
 *
 * master/http sits below sim/, so it cannot use sim/errors.ts; the CLI maps
 * listen failures to SimError itself.
 */

export const MST_ERRORS = {
	/** 405: the endpoint takes POST only (Allow: POST). */
	MST_ERR_METHOD: 405,
	/** 400: no Content-Type, a body that is not JSON, JSON that is not a valid Call, a Call that fails validation. */
	MST_ERR_BAD_REQUEST: 400,
	/** 413: body over the limit (1 MiB by default). */
	MST_ERR_BODY_TOO_LARGE: 413,
	/** 415: Content-Type other than application/json (application/x-protobuf included: mesosim speaks JSON only). */
	MST_ERR_MEDIA_TYPE: 415,
	/** 406: Accept allows neither application/json nor anything JSON matches. */
	MST_ERR_NOT_ACCEPTABLE: 406,
	/** 401: credentials required (an --authenticate-* flag) and missing or wrong; WWW-Authenticate: Basic realm="mesos". */
	MST_ERR_UNAUTHORIZED: 401,
	/** 403: framework not subscribed (disconnected, waiting for failover); authenticated principal not the framework's. */
	MST_ERR_FORBIDDEN: 403,
	/** 404: unknown route, or an operator call naming an unknown agent (MARK_AGENT_GONE). */
	MST_ERR_NOT_FOUND: 404,
	/** 501: call type UNKNOWN, or a call mesosim does not implement. */
	MST_ERR_NOT_IMPLEMENTED: 501,
	/** 503: the server is shutting down, or the operator event stream is full (1000 subscribers). */
	MST_ERR_UNAVAILABLE: 503,
	/** 500: a bug. */
	MST_ERR_INTERNAL: 500,
} as const;

export type MstErrorCode = keyof typeof MST_ERRORS;

export class ApiError extends Error {
	readonly code: MstErrorCode;
	readonly statusCode: number;
	readonly headers: Readonly<Record<string, string>>;

	constructor(code: MstErrorCode, message: string, headers: Record<string, string> = {}) {
		super(message);
		this.name = "ApiError";
		this.code = code;
		this.statusCode = MST_ERRORS[code];
		this.headers = headers;
	}
}

const BY_STATUS: Partial<Record<number, MstErrorCode>> = {
	400: "MST_ERR_BAD_REQUEST",
	401: "MST_ERR_UNAUTHORIZED",
	403: "MST_ERR_FORBIDDEN",
	404: "MST_ERR_NOT_FOUND",
	405: "MST_ERR_METHOD",
	406: "MST_ERR_NOT_ACCEPTABLE",
	413: "MST_ERR_BODY_TOO_LARGE",
	415: "MST_ERR_MEDIA_TYPE",
	501: "MST_ERR_NOT_IMPLEMENTED",
	503: "MST_ERR_UNAVAILABLE",
};

/** An ApiError for a status the master core returned (CallResult). */
export function apiErrorFor(status: number, message: string): ApiError {
	return new ApiError(BY_STATUS[status] ?? "MST_ERR_BAD_REQUEST", message);
}

export function badRequest(message: string): ApiError {
	return new ApiError("MST_ERR_BAD_REQUEST", message);
}

/** What any error becomes on the wire: the status, the plain-text body, extra headers; `log`: a server-side fault to log. */
export interface ErrorReply {
	status: number;
	message: string;
	headers: Readonly<Record<string, string>>;
	log: boolean;
}

/**
 * The one mapping from an error to its answer (the fastify error handler and
 * the scheduler fast path both use it): an ApiError as coded; fastify's own
 * 413 and other 4xx as they are; anything else is a 500 "Internal server error".
 */
export function errorReply(err: unknown, bodyLimit: number): ErrorReply {
	if (err instanceof ApiError) {
		const status = err.statusCode;
		return {
			status,
			message: err.message,
			headers: err.headers,
			log: status >= 500 && status !== 501 && status !== 503,
		};
	}
	const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
	if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE")
		return { status: 413, message: bodyTooLargeMessage(bodyLimit), headers: {}, log: false };
	if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500)
		return { status: e.statusCode, message: String(e.message), headers: {}, log: false };
	return { status: 500, message: "Internal server error", headers: {}, log: true };
}

export function bodyTooLargeMessage(bodyLimit: number): string {
	return `Request body is larger than the limit of ${bodyLimit} bytes`;
}
