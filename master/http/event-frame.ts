/**
 * The RecordIO frame of an event: `<bytes>\n<JSON>`, the JSON exactly what
 * JSON.stringify writes, built faster for OFFERS.
 *
 * Serializing the OFFERS events sits at the start of every offer cycle, before
 * any framework can answer (100 events of ~10 offers each at 100 frameworks ×
 * 1,000 agents), and most of an offer is the same from cycle to cycle: by
 * the offer message contract (master/offers/message.ts) the framework id,
 * agent id and, for an agent re-offered alike, the resources list are frozen
 * objects shared between offers. A frozen object's UTF-8 JSON is made once and
 * kept (a WeakMap: it goes when the object does). An OFFERS frame is written piece by piece into
 * one scratch buffer and copied out as a Buffer: no joined string, no
 * flattened header + body string, no UTF-8 conversion at the socket (those
 * were ~2 MB of young-generation garbage per cycle at that scale, and every
 * scavenge in the cycle's burst delays calls).
 *
 * Only offers of the exact shape that contract names take the fast path; any
 * other event, or an offer with other members, is JSON.stringify'd into a
 * string frame.
 */
import { OFFER_MESSAGE_KEYS } from "../offers/message.js";
import type { Event, Offer } from "../protocol/messages.js";
import { recordIoText } from "./media.js";

const frozenBytes = new WeakMap<object, Buffer>();

/** Room for the decimal byte length and its LF in front of the body. */
const HEAD_ROOM = 24;
let scratch = Buffer.allocUnsafe(64 * 1024);
let pos = HEAD_ROOM;

function reserve(bytes: number): void {
	if (pos + bytes <= scratch.length) return;
	let size = scratch.length * 2;
	while (size < pos + bytes) size *= 2;
	const bigger = Buffer.allocUnsafe(size);
	scratch.copy(bigger, 0, 0, pos);
	scratch = bigger;
}

/**
 * Appends `text` as UTF-8. The pieces are short (keys, ids, hostnames) and
 * nearly always ASCII: a byte loop beats a native write call per piece.
 */
function put(text: string): void {
	const n = text.length;
	reserve(n * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
	const buf = scratch;
	let p = pos;
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c >= 0x80) {
			pos = p + buf.write(text.slice(i), p, "utf8");
			return;
		}
		buf[p++] = c;
	}
	pos = p;
}

function putBytes(b: Buffer): void {
	reserve(b.length);
	pos += b.copy(scratch, pos);
}

function putJson(v: unknown): void {
	if (typeof v !== "object" || v === null || !Object.isFrozen(v)) {
		put(JSON.stringify(v));
		return;
	}
	let b = frozenBytes.get(v);
	if (b === undefined) {
		b = Buffer.from(JSON.stringify(v), "utf8");
		frozenBytes.set(v, b);
	}
	putBytes(b);
}

function hasOfferShape(o: object): boolean {
	const keys = Object.keys(o);
	// All members, allocation_info (the last) optional.
	if (keys.length !== OFFER_MESSAGE_KEYS.length - 1 && keys.length !== OFFER_MESSAGE_KEYS.length)
		return false;
	for (let i = 0; i < keys.length; i++) if (keys[i] !== OFFER_MESSAGE_KEYS[i]) return false;
	const r = o as Record<string, unknown>;
	for (const k of keys) if (r[k] === undefined) return false;
	return typeof r.hostname === "string";
}

function putOffer(o: Offer): void {
	put('{"id":');
	put(JSON.stringify(o.id));
	put(',"framework_id":');
	putJson(o.framework_id);
	put(',"agent_id":');
	putJson(o.agent_id);
	put(',"hostname":');
	put(JSON.stringify(o.hostname));
	put(',"resources":');
	putJson(o.resources);
	put(',"attributes":');
	putJson(o.attributes);
	if (o.allocation_info !== undefined) {
		put(',"allocation_info":');
		put(JSON.stringify(o.allocation_info));
	}
	put("}");
}

/** The offers of an OFFERS event of the shape the master sends, or null to take the generic path. */
function fastOffers(event: Event): Offer[] | null {
	if (event.type !== "OFFERS") return null;
	const top = Object.keys(event);
	const body = event.offers as { offers?: unknown };
	if (top.length !== 2 || top[1] !== "offers" || Object.keys(body).length !== 1) return null;
	const offers = body.offers;
	if (!Array.isArray(offers) || offers.length === 0) return null;
	for (const o of offers) if (typeof o !== "object" || o === null || !hasOfferShape(o)) return null;
	return offers as Offer[];
}

/** recordIoText(JSON.stringify(event)), as bytes for OFFERS (see above). */
export function eventFrame(event: Event): string | Buffer {
	const offers = fastOffers(event);
	if (offers === null) return recordIoText(JSON.stringify(event));
	pos = HEAD_ROOM;
	put('{"type":"OFFERS","offers":{"offers":[');
	for (let i = 0; i < offers.length; i++) {
		if (i > 0) put(",");
		putOffer(offers[i] as Offer);
	}
	put("]}}");
	const head = `${pos - HEAD_ROOM}\n`;
	const start = HEAD_ROOM - head.length;
	scratch.write(head, start, "latin1");
	return Buffer.from(scratch.subarray(start, pos));
}
