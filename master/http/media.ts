/**
 * Media types: Content-Type checks and Accept negotiation as Master::Http does
 * them (src/master/http.cpp), and RecordIO framing (docs/recordio.md).
 */
import { ApiError } from "./errors.js";

export const APPLICATION_JSON = "application/json";
export const APPLICATION_PROTOBUF = "application/x-protobuf";

/** The bare media type of a Content-Type header ("application/json; charset=utf-8" -> "application/json"). */
export function mediaType(header: string): string {
	const semi = header.indexOf(";");
	return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/**
 * 400 without a Content-Type, 415 for anything but JSON. Mesos compares the
 * header byte for byte; mesosim also takes parameters (charset) and any case.
 */
export function checkContentType(header: string | undefined): void {
	if (header === undefined || header.trim() === "") {
		throw new ApiError("MST_ERR_BAD_REQUEST", "Expecting 'Content-Type' to be present");
	}
	const type = mediaType(header);
	if (type === APPLICATION_JSON) return;
	if (type === APPLICATION_PROTOBUF) {
		throw new ApiError(
			"MST_ERR_MEDIA_TYPE",
			`Expecting 'Content-Type' of ${APPLICATION_JSON}: mesosim speaks JSON only, not ${APPLICATION_PROTOBUF}`,
		);
	}
	throw new ApiError(
		"MST_ERR_MEDIA_TYPE",
		`Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}`,
	);
}

/**
 * Whether an Accept header allows `type` (RFC 7231: exact, type/*, * /*; q=0
 * excludes). No header means everything is acceptable.
 */
export function accepts(header: string | undefined, type: string): boolean {
	if (header === undefined || header.trim() === "") return true;
	const [main] = type.split("/");
	let best = -1;
	let bestSpecificity = -1;
	for (const part of header.split(",")) {
		const [rangeRaw = "", ...params] = part.split(";");
		const range = rangeRaw.trim().toLowerCase();
		let q = 1;
		for (const p of params) {
			const [k, v] = p.split("=").map((s) => s.trim());
			if (k === "q" && v !== undefined) {
				const n = Number(v);
				q = Number.isFinite(n) ? n : 0;
			}
		}
		let specificity = -1;
		if (range === type) specificity = 2;
		else if (range === `${main}/*`) specificity = 1;
		else if (range === "*/*") specificity = 0;
		if (specificity > bestSpecificity) {
			bestSpecificity = specificity;
			best = q;
		}
	}
	return bestSpecificity >= 0 && best > 0;
}

/** 406 unless the client takes JSON (the only encoding mesosim writes). */
export function negotiateJson(accept: string | undefined): void {
	if (accepts(accept, APPLICATION_JSON)) return;
	throw new ApiError(
		"MST_ERR_NOT_ACCEPTABLE",
		`Expecting 'Accept' to allow '${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}' (mesosim writes ${APPLICATION_JSON} only)`,
	);
}

/** A RecordIO frame as text: the length counts the JSON's UTF-8 bytes (written out as UTF-8). */
export function recordIoText(json: string): string {
	return `${Buffer.byteLength(json, "utf8")}\n${json}`;
}

/** One RecordIO record: the UTF-8 byte length in decimal, LF, the bytes. */
export function recordIoFrame(json: string): Buffer {
	const body = Buffer.from(json, "utf8");
	const head = Buffer.from(`${body.length}\n`, "ascii");
	return Buffer.concat([head, body], head.length + body.length);
}
