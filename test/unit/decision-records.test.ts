/**
 * The details a decision record gives beyond the verdicts
 * (master/decisions/recorder.ts): the filter that passed a framework over and
 * the call that set it, the filter an answer left, the shares a nested role
 * was compared by, the frameworks and roles not reached (eight listed in share
 * order, the rest counted), and why a framework took part in no visit.
 */
import { describe, expect, it } from "vitest";
import type { CycleRecord, FrameworkTry, RoleTry } from "../../master/index.js";
import { Harness, type TestFramework } from "../helpers/harness.js";
import { recording, subscribe } from "../helpers/master-probes.js";

/** Every try of framework `fwId` in the recorded cycles. */
function triesOf(cycles: CycleRecord[], fwId: string): FrameworkTry[] {
	return cycles
		.flatMap((c) => c.visits.flatMap((v) => v.roles.flatMap((r) => r.frameworks)))
		.filter((t) => t.framework_id === fwId);
}

describe("a framework passed over for its filter", () => {
	it("the filter's end, what it refuses and the call that set it; the answer names the same end", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096, disk: 1000, ports: [] }] });
		const rec = recording(h);
		const a = subscribe(h, { name: "a", role: "r" });
		const b = subscribe(h, { name: "b", role: "r" });
		h.settle();
		const holder = a.offers().length > 0 ? a : b;
		const other = holder === a ? b : a;
		const [o] = holder.offers();
		h.run(500);
		const declinedAt = h.engine.now;
		holder.decline([o!], 30);
		expect(rec.answers().at(-1)).toMatchObject({
			call: "DECLINE",
			offer_ids: [o!.id.value],
			refuse_seconds: 30,
			filter_until: declinedAt + 30_000,
		});
		// The other framework takes the agent's offer and gives it back, unfiltered by it.
		rec.clear();
		for (let i = 0; i < 3; i++) {
			h.run(1_000);
			other.decline(other.offers(), 0);
		}
		const tries = triesOf(rec.cycles(), holder.id).filter((t) => t.verdict === "DECLINE_FILTER");
		expect(tries.length).toBeGreaterThan(0);
		expect(tries[0]!.filter).toEqual({
			until: declinedAt + 30_000,
			refused: { cpus: 4, mem: 4096, disk: 1000, gpus: 0 },
			set_by: { call: "DECLINE", offer_id: o!.id.value, refuse_seconds: 30 },
		});
		// Frameworks passed for another reason carry no filter.
		for (const t of triesOf(rec.cycles(), other.id)) expect(t.filter).toBeUndefined();
	});

	it("a filter set before recording began names no call; each framework's filter names its own call", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096, disk: 1000, ports: [] }] });
		const a = subscribe(h, { name: "a", role: "r" });
		const b = subscribe(h, { name: "b", role: "r" });
		h.settle();
		const first = a.offers().length > 0 ? a : b;
		const second = first === a ? b : a;
		first.decline(first.offers(), 60);
		const rec = recording(h);
		h.run(1_000);
		const [o2] = second.offers();
		second.decline([o2!], 40);
		h.run(2_000);
		// Both are passed over for their filters now, each naming its own origin.
		const lastFilter = (f: TestFramework) =>
			triesOf(rec.cycles(), f.id)
				.filter((t) => t.verdict === "DECLINE_FILTER")
				.at(-1)?.filter;
		expect(lastFilter(first)?.set_by).toBeNull();
		expect(lastFilter(second)?.set_by).toEqual({
			call: "DECLINE",
			offer_id: o2!.id.value,
			refuse_seconds: 40,
		});
	});
});

describe("filters set at the same moment", () => {
	it("a framework's filter names the offer it declined, not another framework's of the same moment", () => {
		const h = new Harness({ agents: [{ count: 2, cpus: 4, mem: 4096, disk: 1000, ports: [] }] });
		const rec = recording(h);
		const a = subscribe(h, { name: "a", role: "r" });
		const b = subscribe(h, { name: "b", role: "r" });
		h.settle();
		const [oa] = a.offers();
		const [ob] = b.offers();
		expect(oa!.agent_id).not.toEqual(ob!.agent_id);
		a.decline([oa!], 30);
		b.decline([ob!], 30);
		// Each then gets the other's agent and gives it back, so both are tried on both.
		for (let i = 0; i < 4; i++) {
			h.run(1_000);
			a.decline(a.offers(), 0);
			b.decline(b.offers(), 0);
		}
		const setBy = (f: TestFramework) =>
			new Set(
				triesOf(rec.cycles(), f.id)
					.filter((t) => t.verdict === "DECLINE_FILTER")
					.map((t) => t.filter!.set_by?.offer_id),
			);
		// a, first in id order, is tried (and passed over) on the agent it declined;
		// b, when tried there at all, names its own offer.
		expect(setBy(a)).toEqual(new Set([oa!.id.value]));
		expect([...setBy(b)].every((id) => id === ob!.id.value)).toBe(true);
	});
});

describe("shares of nested roles", () => {
	it("flat roles have none; a nested role lists its parent's share, a parent with roles below lists its own subtree", () => {
		const h = new Harness({ agents: [{ count: 3, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		subscribe(h, { name: "flat", role: "flat" });
		subscribe(h, { name: "web", role: "eng/web" });
		subscribe(h, { name: "eng", role: "eng" });
		h.settle();
		h.run(1_000);
		const roles: RoleTry[] = rec.cycles().flatMap((c) => c.visits.flatMap((v) => v.roles));
		const byRole = (name: string) => roles.filter((r) => r.role === name);
		expect(byRole("flat").length).toBeGreaterThan(0);
		for (const r of byRole("flat")) expect(r.path_shares).toBeUndefined();
		const web = byRole("eng/web");
		const eng = byRole("eng");
		expect(web.length).toBeGreaterThan(0);
		expect(eng.length).toBeGreaterThan(0);
		for (const r of [...web, ...eng]) {
			expect(r.path_shares!.map((p) => p.role)).toEqual(["eng"]);
			const s = r.path_shares![0]!.share;
			expect(s).toBeGreaterThanOrEqual(0);
			expect(s).toBeLessThanOrEqual(1);
		}
		// Once both hold an agent, the eng subtree's share counts both.
		const last = web.at(-1)!;
		expect(last.path_shares![0]!.share).toBeGreaterThan(0);
	});
});

describe("what was not reached", () => {
	it("ten frameworks in one role: the one offered, then eight by share and id, the last one counted", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const names = ["j", "i", "h", "g", "f", "e", "d", "c", "b", "a"];
		for (const name of names) subscribe(h, { name, role: "r" });
		h.settle();
		h.run(1_000);
		const role = rec
			.cycles()
			.flatMap((c) => c.visits.flatMap((v) => v.roles))
			.find((r) => r.verdict === "OFFERED")!;
		expect(role.frameworks[0]!.verdict).toBe("OFFERED");
		const rest = role.frameworks.slice(1);
		expect(rest.map((f) => f.verdict)).toEqual(Array(8).fill("NOTHING_LEFT"));
		expect(role.frameworks_not_listed).toBe(1);
		// All shares are 0: in the order of their ids (the order they subscribed), the last left out.
		const offered = role.frameworks[0]!.framework;
		const expected = names.filter((n) => n !== offered).slice(0, 8);
		expect(rest.map((f) => f.framework)).toEqual(expected);
	});

	it("ten roles: the one offered, eight not reached by name (equal shares), one counted", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const roles = ["r9", "r8", "r7", "r6", "r5", "r4", "r3", "r2", "r1", "r0"];
		for (const role of roles) subscribe(h, { name: role, role });
		h.settle();
		h.run(1_000);
		const visit = rec
			.cycles()
			.flatMap((c) => c.visits)
			.find((v) => v.offers.length > 0)!;
		const offered = visit.roles.filter((r) => r.verdict === "OFFERED").map((r) => r.role);
		expect(offered).toHaveLength(1);
		const notReached = visit.roles.filter((r) => r.verdict === "NOTHING_LEFT").map((r) => r.role);
		expect(notReached).toEqual(
			[...roles]
				.sort()
				.filter((r) => r !== offered[0])
				.slice(0, 8),
		);
		expect(visit.roles_not_listed).toBe(1);
	});
});

describe("frameworks in no visit", () => {
	it("a disconnected framework is FRAMEWORK_INACTIVE, a suppressed role ROLE_SUPPRESSED", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const gone = subscribe(h, { name: "gone", role: "g", failover_timeout: 3600 });
		const quiet = subscribe(h, {
			name: "quiet",
			roles: ["q1", "q2"],
			capabilities: [{ type: "MULTI_ROLE" }],
		});
		h.settle();
		gone.disconnect();
		quiet.call({ type: "SUPPRESS", suppress: { roles: ["q2"] } });
		rec.clear();
		h.run(1_000);
		const cycle = rec.cycles().at(-1)!;
		expect(cycle.ineligible).toEqual([
			{ framework_id: gone.id, framework: "gone", role: "g", reason: "FRAMEWORK_INACTIVE" },
			{ framework_id: quiet.id, framework: "quiet", role: "q2", reason: "ROLE_SUPPRESSED" },
		]);
	});
});

describe("stopping the recorder", () => {
	it("recordDecisions(null): no cycle and no answer recorded after it", () => {
		const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
		const rec = recording(h);
		const f = subscribe(h, { name: "f" });
		h.run(1_000);
		expect(rec.cycles().length).toBeGreaterThan(0);
		h.master.recordDecisions(null);
		rec.clear();
		f.decline(f.offers(), 0);
		h.run(3_000);
		expect([rec.cycles(), rec.answers()]).toEqual([[], []]);
	});
});
