/**
 * Quota in Mesos 1.11 (docs/mesos-rules.md §4): an offer is capped by the
 * allocated role's own limit only (getQuota(role) in hierarchical.cpp
 * __generateOffers); the role's consumption counts what the roles below it
 * hold. A parent's limit does not cap its children (hierarchical quota is
 * unfinished upstream, MESOS-7402). `hierarchicalQuota` (a mesosim extension)
 * caps every subtree by its ancestors' limits too. Expected numbers, not one
 * mode of the code against another.
 */
import { describe, expect, it } from "vitest";
import { Harness, scalar, task } from "../helpers/harness.js";

/** Frameworks that take every offer whole; cpus each one holds after `ms`. */
function run(
	roles: string[],
	hierarchicalQuota: boolean,
	limits: Record<string, number>,
): Record<string, number> {
	const h = new Harness({
		agents: [{ count: 4, cpus: 4, mem: 4096, disk: 0 }],
		flags: { hierarchicalQuota },
	});
	for (const [role, cpus] of Object.entries(limits)) h.master.updateQuota(role, { cpus });
	const held: Record<string, number> = {};
	for (const role of roles) {
		const fw = h.framework();
		let n = 0;
		held[role] = 0;
		fw.react = (e) => {
			if (e.type !== "OFFERS") return;
			for (const o of e.offers.offers) {
				const cpus = scalar(o, "cpus");
				fw.launch([o], [task(`${role}-${n++}`, o, { cpus, mem: 1 })]);
				held[role] = held[role]! + cpus;
			}
		};
		expect(fw.subscribe({ name: role, roles: [role], capabilities: [{ type: "MULTI_ROLE" }] }).ok).toBe(true);
		h.run(5_000);
	}
	h.run(10_000);
	expect(h.violations()).toEqual([]);
	return held;
}

describe("quota limits (Mesos 1.11 by default)", () => {
	it("a parent's limit does not cap a child role: eng/web takes the whole 16-cpu cluster under eng's limit of 4", () => {
		expect(run(["eng/web"], false, { eng: 4 })).toEqual({ "eng/web": 16 });
	});

	it("a role's own limit caps it, and counts what its children hold: eng gets nothing once eng/web holds more than 4", () => {
		expect(run(["eng", "eng/web"], false, { eng: 4 })).toEqual({ eng: 4, "eng/web": 12 });
		expect(run(["eng/web", "eng"], false, { eng: 4 })).toEqual({ "eng/web": 16, eng: 0 });
	});

	it("the default role * may have quota (Mesos 1.10+): * is capped at 6 cpus", () => {
		expect(run(["*"], false, { "*": 6 })).toEqual({ "*": 6 });
	});

	it("with hierarchicalQuota, a limit two levels up caps too: eng/team's 4 caps eng/team/web", () => {
		expect(run(["eng/team/web"], true, { "eng/team": 4 })).toEqual({ "eng/team/web": 4 });
		expect(run(["eng/team/web"], true, { eng: 4 })).toEqual({ "eng/team/web": 4 });
	});

	it("with hierarchicalQuota, eng's limit of 4 caps eng/web and eng/batch together", () => {
		expect(run(["eng/web", "eng/batch"], true, { eng: 4 })).toEqual({ "eng/web": 4, "eng/batch": 0 });
		expect(run(["eng/web", "eng/batch"], false, { eng: 4 })).toEqual({ "eng/web": 16, "eng/batch": 0 });
	});
});
