/**
 * eventFrame (master/http/event-frame.ts) writes exactly the RecordIO frame of
 * what JSON.stringify writes: for the OFFERS events the master really sends
 * (cycle after cycle, with the frozen, shared resources lists of re-offered
 * agents), for events larger than its first scratch buffer, and for the
 * shapes it does not take a fast path for.
 */
import { describe, expect, it } from "vitest";
import { eventFrame } from "../../master/http/event-frame.js";
import { recordIoText } from "../../master/http/media.js";
import type { Event, Offer } from "../../master/index.js";
import { cluster } from "../api/helpers.js";

/** The frame as text; the byte length in its head must be the UTF-8 length of the JSON. */
function frameText(e: Event): string {
	const f = eventFrame(e);
	return typeof f === "string" ? f : f.toString("utf8");
}

function expected(e: Event): string {
	return recordIoText(JSON.stringify(e));
}

describe("eventFrame", () => {
	it("equals JSON.stringify for the OFFERS the master sends over many cycles (declined, re-offered)", async () => {
		const c = await cluster({ agents: 12 });
		try {
			const events: Event[] = [];
			const subscribe = (name: string, multi: boolean) => {
				const r = c.sim.master.subscribe(
					{
						type: "SUBSCRIBE",
						subscribe: {
							framework_info: {
								user: "u",
								name,
								roles: ["*"],
								...(multi ? { capabilities: [{ type: "MULTI_ROLE" as const }] } : {}),
							},
						},
					},
					{ send: (e) => events.push(e), close: () => {} },
				);
				if (!r.ok) throw new Error(r.message);
				return r;
			};
			const fws = [subscribe("multi héllo ✓", true), subscribe("plain", false)];
			let checked = 0;
			let frozen = 0;
			for (let cycle = 0; cycle < 6; cycle++) {
				await c.advance(1100);
				for (const e of events.splice(0)) {
					expect(frameText(e)).toBe(expected(e));
					if (e.type !== "OFFERS") continue;
					checked++;
					frozen += e.offers.offers.filter((o) => Object.isFrozen(o.resources)).length;
					const fw = fws.find((f) => f.frameworkId === e.offers.offers[0]!.framework_id.value)!;
					// Declined for 0.5 s: the same agents come back next cycle with the same resources.
					const r = c.sim.master.call(
						{
							type: "DECLINE",
							framework_id: { value: fw.frameworkId },
							decline: { offer_ids: e.offers.offers.map((o) => o.id), filters: { refuse_seconds: 0.5 } },
						},
						fw.streamId,
					);
					expect(r.ok).toBe(true);
				}
			}
			expect(checked).toBeGreaterThanOrEqual(3);
			expect(frozen).toBeGreaterThan(0); // the cached path was taken
		} finally {
			await c.close();
		}
	});

	const offer = (extra: Partial<Offer> = {}): Offer =>
		({
			id: { value: "m-O1" },
			framework_id: Object.freeze({ value: "m-0000" }),
			agent_id: Object.freeze({ value: "m-S0" }),
			hostname: 'agent-"0" ☃',
			resources: Object.freeze([
				Object.freeze({ name: "cpus", type: "SCALAR", scalar: Object.freeze({ value: 0.5 }) }),
			]) as Offer["resources"],
			attributes: Object.freeze([
				Object.freeze({ name: "rack", type: "TEXT", text: Object.freeze({ value: "r\u00e9\n1" }) }),
			]) as Offer["attributes"],
			...extra,
		}) as Offer;

	it.each<[string, Event]>([
		["one offer, escapes in hostname and attributes", { type: "OFFERS", offers: { offers: [offer()] } }],
		[
			"allocation_info last, several offers",
			{
				type: "OFFERS",
				offers: {
					offers: [offer({ allocation_info: { role: "a/b" } }), offer({ allocation_info: { role: "*" } })],
				},
			},
		],
		[
			"resources not frozen",
			{
				type: "OFFERS",
				offers: { offers: [offer({ resources: [{ name: "mem", type: "SCALAR", scalar: { value: 64 } }] })] },
			},
		],
		["no offers", { type: "OFFERS", offers: { offers: [] } }],
		[
			"an offer with a member of its own (generic path)",
			{ type: "OFFERS", offers: { offers: [{ ...offer(), url: { scheme: "http" } } as unknown as Offer] } },
		],
		[
			"members in another order (generic path)",
			{
				type: "OFFERS",
				offers: { offers: [Object.assign({ hostname: "h" }, offer()) as Offer] },
			},
		],
		["not OFFERS", { type: "HEARTBEAT" }],
	])("equals JSON.stringify: %s", (_name, e) => {
		expect(frameText(e)).toBe(expected(e));
		// Twice: the second time the frozen parts come from the cache.
		expect(frameText(e)).toBe(expected(e));
	});

	it("is byte-identical for emoji, lone surrogates, U+2028 and escapes in every string of an offer", () => {
		const odd = 'h\u{1F600}\ud800x\udfff\u2028"\\\t';
		const e: Event = {
			type: "OFFERS",
			offers: {
				offers: [
					offer({ id: { value: odd }, hostname: odd }),
					offer({
						attributes: Object.freeze([
							Object.freeze({ name: odd, type: "TEXT", text: Object.freeze({ value: odd }) }),
						]) as NonNullable<Offer["attributes"]>,
					}),
				],
			},
		};
		const f = eventFrame(e);
		expect(Buffer.isBuffer(f)).toBe(true);
		expect((f as Buffer).equals(Buffer.from(expected(e), "utf8"))).toBe(true);
	});

	it("OFFERS frames are Buffers of their own, also past the first scratch buffer (64 KiB)", () => {
		const many: Event = {
			type: "OFFERS",
			offers: { offers: Array.from({ length: 2000 }, (_, i) => offer({ id: { value: `m-O${i}` } })) },
		};
		const small: Event = { type: "OFFERS", offers: { offers: [offer()] } };
		const a = eventFrame(many);
		const b = eventFrame(small);
		expect(Buffer.isBuffer(a) && Buffer.isBuffer(b)).toBe(true);
		expect((a as Buffer).length).toBeGreaterThan(128 * 1024);
		// The second frame reused the scratch buffer; the first must not have changed.
		expect(a.toString()).toBe(expected(many));
		expect(b.toString()).toBe(expected(small));
		expect(frameText(many)).toBe(expected(many));
	});
});
