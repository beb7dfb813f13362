/**
 * Small probes into a Harness's master that several unit tests share: the
 * decision records it writes, offers forged for the invariant checker, a
 * stand-in FrameworkRecord for the offer messages, and one agent whose
 * resources are split between two roles' offers.
 */
import { expect } from "vitest";
import type {
	AnswerRecord,
	CycleRecord,
	DecisionRecord,
	FrameworkInfo,
	OfferRecord,
} from "../../master/index.js";
import type { FrameworkRecord } from "../../master/records.js";
import { Harness, type TestFramework } from "./harness.js";

/** Records the master's decisions from now on. */
export function recording(h: Harness) {
	const records: DecisionRecord[] = [];
	h.master.recordDecisions({ write: (r) => records.push(r) });
	return {
		cycles: () => records.filter((r): r is CycleRecord => r.kind === "cycle"),
		answers: () => records.filter((r): r is AnswerRecord => r.kind === "answer"),
		clear: () => {
			records.length = 0;
		},
	};
}

/** A framework subscribed with `info` (the subscription must be accepted). */
export function subscribe(h: Harness, info: Partial<FrameworkInfo>): TestFramework {
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	return f;
}

/** An offer the allocator did not make, told to the checker as if it had. */
export function forge(h: Harness, o: Partial<OfferRecord> & Pick<OfferRecord, "fw">): OfferRecord {
	const offer: OfferRecord = {
		id: "forged",
		num: 0,
		role: o.fw.roleIdx[0]!,
		agent: 0,
		q: Float64Array.of(1, 0, 0, 0),
		ports: [],
		timer: 0 as OfferRecord["timer"],
		createdAt: 0,
		...o,
	};
	h.master.observer.offerMade!(offer);
	return offer;
}

/** The parts of a FrameworkRecord the offer messages read, with or without MULTI_ROLE. */
export function messageFramework(multi: boolean): FrameworkRecord {
	return {
		idValue: Object.freeze({ value: multi ? "F-multi" : "F" }),
		info: { user: "u", name: "f", ...(multi ? { capabilities: [{ type: "MULTI_ROLE" }] } : {}) },
	} as unknown as FrameworkRecord;
}

/** One agent (4 cpus) offered to two roles at once: role a's quota caps its offer at 1 cpu, b gets the rest. */
export function twoOffersOnOneAgent() {
	const h = new Harness({ agents: [{ count: 1, cpus: 4, mem: 4096 }] });
	h.master.updateQuota("a", { cpus: 1 });
	const a = h.framework();
	const b = h.framework();
	expect(a.subscribe({ name: "a", role: "a" }).ok).toBe(true);
	expect(b.subscribe({ name: "b", role: "b" }).ok).toBe(true);
	h.run(1_000);
	return { h, a, b };
}
