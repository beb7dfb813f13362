/**
 * The event-log hash: a running FNV-1a-style hash of everything the master
 * sends to frameworks (time, framework, event type, and the ids and states an
 * event carries). Same scenario + seed ⇒ same hash; the report prints it.
 *
 * Hot path: every OFFERS event is hashed from its offer records (the id's
 * "<masterId>-O" prefix as char codes, then the number's decimal digits), so
 * the id strings are never read; the result is exactly what mixEvent gives
 * for the message (a test compares the two).
 */
import type { Event } from "./protocol/messages.js";
import type { OfferRecord } from "./records.js";

const EVENT_CODE: Record<string, number> = {
	SUBSCRIBED: 1,
	OFFERS: 2,
	RESCIND: 3,
	UPDATE: 4,
	MESSAGE: 5,
	FAILURE: 6,
	ERROR: 7,
	HEARTBEAT: 8,
};
const OFFERS_CODE = EVENT_CODE.OFFERS ?? 0;

function mix(h: number, x: number): number {
	return Math.imul(h ^ (x | 0), 16777619) >>> 0;
}

function mixString(h: number, s: string): number {
	for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
	return h;
}

/** Folds an event into a log hash (cheap: ids and states only). */
export function mixEvent(h: number, now: number, fw: number, e: Event): number {
	h = mix(mix(mix(h, now), now / 4294967296), fw);
	h = mix(h, EVENT_CODE[e.type] ?? 0);
	if (e.type === "OFFERS") {
		for (const o of e.offers.offers) h = mixString(h, o.id.value);
	} else if (e.type === "UPDATE") {
		h = mixString(mixString(h, e.update.status.task_id.value), e.update.status.state);
	} else if (e.type === "RESCIND") {
		h = mixString(h, e.rescind.offer_id.value);
	}
	return h;
}

export class EventLog {
	/** The running hash (FNV offset basis at the start). */
	hash = 0x811c9dc5;
	/** Char codes of "<master id>-O", the prefix of every offer id. */
	readonly #offerIdPrefix: Uint16Array;
	/** Scratch for an offer number's decimal digits, least significant first. */
	readonly #digits = new Uint8Array(20);

	constructor(offerIdPrefix: string) {
		this.#offerIdPrefix = new Uint16Array(offerIdPrefix.length);
		for (let i = 0; i < offerIdPrefix.length; i++) this.#offerIdPrefix[i] = offerIdPrefix.charCodeAt(i);
	}

	event(now: number, fw: number, e: Event): void {
		this.hash = mixEvent(this.hash, now, fw, e);
	}

	/** mixEvent of an OFFERS event whose offers are `records`, in their order, without reading the id strings. */
	offers(now: number, fw: number, records: readonly OfferRecord[]): void {
		let h = mix(mix(mix(mix(this.hash, now), now / 4294967296), fw), OFFERS_CODE);
		const prefix = this.#offerIdPrefix;
		const digits = this.#digits;
		for (const o of records) {
			for (let i = 0; i < prefix.length; i++) h = mix(h, prefix[i]!);
			let n = o.num;
			let d = 0;
			do {
				digits[d++] = 48 + (n % 10);
				n = Math.floor(n / 10);
			} while (n > 0);
			while (d > 0) h = mix(h, digits[--d]!);
		}
		this.hash = h;
	}
}
