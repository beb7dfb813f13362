/**
 * REVIVE and SUPPRESS with `roles` (docs/mesos-rules.md §4; Mesos
 * src/master/master.cpp Master::revive): only the named roles lose their
 * filters and are unsuppressed; the framework's other roles keep theirs.
 */
import { describe, expect, it } from "vitest";
import type { FrameworkInfo, Offer } from "../../master/index.js";
import { Harness, type TestFramework } from "../helpers/harness.js";

const MULTI: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "MULTI_ROLE" }];
const HOUR_S = 3_600;

/** A framework in roles a and b on two agents; it got one offer per role at t = 0. */
function twoRoles(): { h: Harness; f: TestFramework } {
	const h = new Harness({ agents: [{ count: 2 }] });
	const f = h.framework();
	expect(f.subscribe({ roles: ["a", "b"], capabilities: MULTI }).ok).toBe(true);
	h.settle();
	expect(rolesOf(f.offers())).toEqual(["a", "b"]);
	return { h, f };
}

function rolesOf(offers: Offer[]): string[] {
	return offers.map((o) => o.allocation_info?.role ?? "").sort();
}

/** Declines every offer with a one-hour filter until each role has filtered each agent. */
function filterEverything(h: Harness, f: TestFramework): void {
	f.decline(f.offers(), HOUR_S);
	f.react = (e) => {
		if (e.type === "OFFERS") f.decline(e.offers.offers, HOUR_S);
	};
	h.run(5_000);
	f.react = null;
	const t = h.engine.now;
	h.run(5_000);
	expect(offersAfter(f, t)).toHaveLength(0);
}

function offersAfter(f: TestFramework, t: number): Offer[] {
	return f.eventsOf("OFFERS").flatMap((e) => (f.timeOf(e) > t ? e.offers.offers : []));
}

/** REVIVE of `roles`, then 5 s: the roles of the offers that came (at least one offer). */
function reviveThenOfferedRoles(h: Harness, f: TestFramework, roles: string[]): Set<string> {
	expect(f.call({ type: "REVIVE", revive: { roles } }).status).toBe(202);
	const t = h.engine.now;
	h.run(5_000);
	const offered = rolesOf(offersAfter(f, t - 1));
	expect(offered.length).toBeGreaterThan(0);
	return new Set(offered);
}

describe("REVIVE with roles", () => {
	it("clears the filters of the named roles only", () => {
		const { h, f } = twoRoles();
		filterEverything(h, f);
		// Role a gets both agents back; b's filters still hold.
		expect(reviveThenOfferedRoles(h, f, ["a"])).toEqual(new Set(["a"]));
	});

	it("unsuppresses the named roles only", () => {
		const { h, f } = twoRoles();
		expect(f.call({ type: "SUPPRESS" }).status).toBe(202);
		f.decline(f.offers(), 0);
		h.run(5_000);
		expect(offersAfter(f, 0)).toHaveLength(0);
		f.react = (e) => {
			if (e.type === "OFFERS") f.decline(e.offers.offers, 0);
		};
		expect(reviveThenOfferedRoles(h, f, ["b"])).toEqual(new Set(["b"]));
	});

	it("without roles clears and unsuppresses every role", () => {
		const { h, f } = twoRoles();
		filterEverything(h, f);
		expect(f.call({ type: "SUPPRESS", suppress: { roles: ["a"] } }).status).toBe(202);
		expect(f.call({ type: "REVIVE" }).status).toBe(202);
		h.settle();
		expect(new Set(rolesOf(f.offers()))).toEqual(new Set(["a", "b"]));
	});
});
