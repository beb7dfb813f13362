/**
 * The JSON text of an event: exactly what JSON.stringify writes, written
 * faster for OFFERS. Serializing the OFFERS events sits at the start of every
 * offer cycle, before any framework can answer (100 events of ~10 offers each
 * at 100 frameworks × 1,000 agents), and most of an offer is the same from
 * cycle to cycle: the master shares one frozen resources list, agent id,
 * framework id and attributes list between the offers of an agent whose free
 * resources did not change. A frozen object's text is written once and kept
 * (a WeakMap: it goes when the object does).
 *
 * Only offers of the exact shape master.ts builds take the fast path; any
 * other event, or an offer with other members, is JSON.stringify'd.
 */
import type { Event, Offer } from "../protocol/messages.js";

const frozenText = new WeakMap<object, string>();

function frozenJson(v: unknown): string {
	if (typeof v !== "object" || v === null || !Object.isFrozen(v)) return JSON.stringify(v);
	let s = frozenText.get(v);
	if (s === undefined) {
		s = JSON.stringify(v);
		frozenText.set(v, s);
	}
	return s;
}

/** The members of an offer as master.ts builds it, in its order; allocation_info last when present. */
const OFFER_KEYS = [
	"id",
	"framework_id",
	"agent_id",
	"hostname",
	"resources",
	"attributes",
	"allocation_info",
];

function hasOfferShape(o: object): boolean {
	const keys = Object.keys(o);
	if (keys.length !== 6 && keys.length !== 7) return false;
	for (let i = 0; i < keys.length; i++) if (keys[i] !== OFFER_KEYS[i]) return false;
	const r = o as Record<string, unknown>;
	for (const k of keys) if (r[k] === undefined) return false;
	return typeof r.hostname === "string";
}

function offerJson(o: Offer): string {
	const alloc =
		o.allocation_info === undefined ? "" : `,"allocation_info":${JSON.stringify(o.allocation_info)}`;
	return `{"id":${JSON.stringify(o.id)},"framework_id":${frozenJson(o.framework_id)},"agent_id":${frozenJson(o.agent_id)},"hostname":${JSON.stringify(o.hostname)},"resources":${frozenJson(o.resources)},"attributes":${frozenJson(o.attributes)}${alloc}}`;
}

/** JSON.stringify(event), with the shared, frozen parts of OFFERS written from a cache. */
export function eventJson(event: Event): string {
	if (event.type !== "OFFERS") return JSON.stringify(event);
	const top = Object.keys(event);
	const body = event.offers as { offers?: unknown };
	if (
		top.length !== 2 ||
		top[1] !== "offers" ||
		Object.keys(body).length !== 1 ||
		!Array.isArray(body.offers)
	)
		return JSON.stringify(event);
	const offers = body.offers as unknown[];
	const n = offers.length;
	if (n === 0) return JSON.stringify(event);
	const parts = new Array<string>(n);
	for (let i = 0; i < n; i++) {
		const o = offers[i];
		if (typeof o !== "object" || o === null || !hasOfferShape(o)) return JSON.stringify(event);
		parts[i] = offerJson(o as Offer);
	}
	// Head and tail inside the join, so that the result is one flat string (its
	// byte length, taken next for the RecordIO frame, then needs no flattening).
	parts[0] = `{"type":"OFFERS","offers":{"offers":[${parts[0]}`;
	parts[n - 1] = `${parts[n - 1]}]}}`;
	return parts.join(",");
}
