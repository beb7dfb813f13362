/**
 * Lowering a quota limit rescinds outstanding offers of the role and the roles
 * below it until what they hold is within the new limit, best effort, as Mesos's
 * QuotaHandler::_update does (quota_handler.cpp); offers of other roles stay.
 */
import { describe, expect, it } from "vitest";
import type { Event } from "../../master/index.js";
import { Harness, scalar } from "../helpers/harness.js";

const offersIn = (events: readonly Event[]) =>
	events.filter((e) => e.type === "OFFERS").flatMap((e) => e.offers?.offers ?? []);
const rescinds = (events: readonly Event[]) =>
	events.filter((e) => e.type === "RESCIND").map((e) => e.rescind!.offer_id.value);

describe("UPDATE_QUOTA rescinds offers above the new limit", () => {
	function holding() {
		const h = new Harness({ agents: [{ count: 4, cpus: 4, mem: 4096, disk: 0 }] });
		const web = h.framework();
		const ops = h.framework();
		expect(
			web.subscribe({ name: "web", roles: ["eng/web"], capabilities: [{ type: "MULTI_ROLE" }] }).ok,
		).toBe(true);
		h.run(1_500);
		expect(ops.subscribe({ name: "ops", roles: ["ops"], capabilities: [{ type: "MULTI_ROLE" }] }).ok).toBe(
			true,
		);
		h.run(1_500);
		// web holds all four agents' offers (it never answers); ops got none.
		expect(offersIn(web.events).reduce((n, o) => n + scalar(o, "cpus"), 0)).toBe(16);
		return { h, web, ops };
	}

	it("a parent's new limit of 8 cpus takes back two of the child's four offers, the oldest first", () => {
		const { h, web, ops } = holding();
		const held = offersIn(web.events).map((o) => o.id.value);
		h.master.updateQuota("eng", { cpus: 8 });
		h.run(10);
		expect(rescinds(web.events)).toEqual(held.slice(0, 2));
		expect(rescinds(ops.events)).toEqual([]);
		expect(h.violations()).toEqual([]);
	});

	it("a limit the role is within rescinds nothing, and so does a limit on another role", () => {
		const { h, web } = holding();
		h.master.updateQuota("eng", { cpus: 16 });
		h.master.updateQuota("ops", { cpus: 0 });
		h.run(10);
		expect(rescinds(web.events)).toEqual([]);
	});

	it("a limit of 0 on the role itself takes back every offer it holds", () => {
		const { h, web } = holding();
		h.master.updateQuota("eng/web", { mem: 0 });
		h.run(10);
		expect(rescinds(web.events).length).toBe(4);
	});

	it("offers of another role are kept even when its framework comes first", () => {
		const h = new Harness({ agents: [{ count: 4, cpus: 4, mem: 4096, disk: 0 }] });
		const ops = h.framework();
		expect(ops.subscribe({ name: "ops", roles: ["ops"], capabilities: [{ type: "MULTI_ROLE" }] }).ok).toBe(
			true,
		);
		h.run(1_500);
		const opsOffers = offersIn(ops.events);
		expect(opsOffers).toHaveLength(4);
		// ops keeps two agents and gives the other two away for an hour.
		ops.decline(opsOffers.slice(2), 3_600);
		const web = h.framework();
		expect(
			web.subscribe({ name: "web", roles: ["eng/web"], capabilities: [{ type: "MULTI_ROLE" }] }).ok,
		).toBe(true);
		h.run(1_500);
		expect(offersIn(web.events)).toHaveLength(2);
		h.master.updateQuota("eng", { cpus: 0 });
		h.run(10);
		expect(rescinds(web.events)).toHaveLength(2);
		expect(rescinds(ops.events)).toEqual([]);
		expect(h.violations()).toEqual([]);
	});
});
