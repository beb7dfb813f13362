/**
 * The event log's hash (master/event-log.ts), the determinism check of every
 * run: it must tell apart events that differ in what they name, and hashing
 * offer records without reading their id strings must give the hash of the
 * OFFERS event those records make.
 */
import { describe, expect, it } from "vitest";
import { EventLog, mixEvent } from "../../master/event-log.js";
import type { Event } from "../../master/index.js";
import type { OfferRecord } from "../../master/records.js";

const H0 = 0x811c9dc5;
const update = (task: string, state: string): Event =>
	({ type: "UPDATE", update: { status: { task_id: { value: task }, state } } }) as Event;
const rescind = (id: string): Event => ({ type: "RESCIND", rescind: { offer_id: { value: id } } });
const offers = (ids: string[]): Event =>
	({ type: "OFFERS", offers: { offers: ids.map((id) => ({ id: { value: id } })) } }) as Event;

describe("event log hash", () => {
	it("differs for events that differ in time, framework, type, or what they name", () => {
		const base = mixEvent(H0, 1000, 0, rescind("M-O1"));
		const variants = [
			mixEvent(H0, 1001, 0, rescind("M-O1")),
			mixEvent(H0, 1000 + 4294967296, 0, rescind("M-O1")),
			mixEvent(H0, 1000, 1, rescind("M-O1")),
			mixEvent(H0, 1000, 0, rescind("M-O2")),
			mixEvent(H0, 1000, 0, { type: "HEARTBEAT" }),
			mixEvent(H0, 1000, 0, update("t1", "TASK_RUNNING")),
			mixEvent(H0, 1000, 0, update("t2", "TASK_RUNNING")),
			mixEvent(H0, 1000, 0, update("t1", "TASK_FINISHED")),
			mixEvent(H0, 1000, 0, offers(["M-O1"])),
			mixEvent(H0, 1000, 0, offers(["M-O2"])),
			mixEvent(H0, 1000, 0, offers(["M-O1", "M-O2"])),
		];
		expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
		// The same event folds to the same hash.
		expect(mixEvent(H0, 1000, 0, rescind("M-O1"))).toBe(base);
	});

	it("offer records hash as the OFFERS event with their ids, for every number of digits", () => {
		const prefix = "5a1b-O";
		const nums = [0, 7, 10, 99, 12345, 2 ** 40];
		const log = new EventLog(prefix);
		log.offers(
			2500,
			3,
			nums.map((num) => ({ num }) as OfferRecord),
		);
		expect(log.hash).toBe(mixEvent(H0, 2500, 3, offers(nums.map((n) => `${prefix}${n}`))));
		const log2 = new EventLog(prefix);
		log2.event(2500, 3, rescind(`${prefix}7`));
		expect(log2.hash).toBe(mixEvent(H0, 2500, 3, rescind(`${prefix}7`)));
	});
});
