/**
 * Random action sequences against a real master and agent fleet (the test
 * harness), aimed at the role rules: multi-role frameworks in nested roles
 * with weights and quota limits, SUPPRESS and REVIVE of all or some roles,
 * declines with filters, launches and kills, agent crashes and restarts, quota
 * and weight changes on the way. The invariant checker runs after every event
 * (quota limits, per-role accounts, offers only in own unsuppressed roles, no
 * agent over-committed). On top, the test keeps its own model of what the
 * frameworks asked for and checks every offer they receive against it:
 *  - no offer in a role the framework suppressed and has not revived since;
 *  - no offer on an agent a framework declined with a filter in that role,
 *    while the filter lasts, unless the offer holds more than was declined
 *    (Mesos filters an offer only if the declined resources contain it) or a
 *    REVIVE of that role came in between.
 *
 * MESOSIM_ROLES_RUNS sets the number of runs (docs/testing.md says how many
 * it takes to find a planted bug).
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import type { Offer } from "../../master/index.js";
import { Harness, scalar, type TestFramework, task } from "../helpers/harness.js";

const ROLES = ["eng", "eng/web", "eng/web/api", "ops", "ops/batch"] as const;
/** Quota goes on top-level roles only: Mesos refuses it on a nested role (docs/mesos-rules.md §4). */
const QUOTA_ROLES = ["eng", "ops"] as const;
const SCALARS = ["cpus", "mem", "disk", "gpus"] as const;

const rolesSubset = fc.subarray([...ROLES], { minLength: 1, maxLength: 3 });
const limits = fc.record(
	{ cpus: fc.constantFrom(1, 2, 4, 8), mem: fc.constantFrom(1024, 4096) },
	{ requiredKeys: ["cpus"] },
);

type Action =
	| { kind: "use"; fw: number; pick: number; cpus: number; mem: number; refuse: number | null }
	| { kind: "decline"; fw: number; refuse: number | null }
	| { kind: "suppress"; fw: number; pick: number[] | null }
	| { kind: "revive"; fw: number; pick: number[] | null }
	| { kind: "kill"; fw: number; pick: number }
	| { kind: "crash"; agent: number; downForMs: number | null }
	| { kind: "restart"; agent: number }
	| { kind: "quota"; role: string; limits: Partial<Record<string, number>> }
	| { kind: "weight"; role: string; weight: number };

const refuse = fc.constantFrom(null, 0, 1, 5, 30, 3_600);
/** Indices into the framework's roles (taken modulo their number); null = no roles field. */
const rolePick = fc.option(fc.array(fc.nat(2), { minLength: 1, maxLength: 2 }), { nil: null });

const action = (frameworks: number, agents: number): fc.Arbitrary<{ dt: number; a: Action }> => {
	const fw = fc.nat(frameworks - 1);
	const agent = fc.nat(agents - 1);
	const a: fc.Arbitrary<Action> = fc.oneof(
		{
			weight: 6,
			arbitrary: fc
				.record({
					fw,
					pick: fc.nat(),
					cpus: fc.constantFrom(0.5, 1, 2),
					mem: fc.constantFrom(128, 512, 2048),
					refuse,
				})
				.map((x) => ({ kind: "use" as const, ...x })),
		},
		{ weight: 4, arbitrary: fc.record({ fw, refuse }).map((x) => ({ kind: "decline" as const, ...x })) },
		{
			weight: 2,
			arbitrary: fc.record({ fw, pick: rolePick }).map((x) => ({ kind: "suppress" as const, ...x })),
		},
		{
			weight: 2,
			arbitrary: fc.record({ fw, pick: rolePick }).map((x) => ({ kind: "revive" as const, ...x })),
		},
		{ weight: 1, arbitrary: fc.record({ fw, pick: fc.nat() }).map((x) => ({ kind: "kill" as const, ...x })) },
		{
			weight: 1,
			arbitrary: fc
				.record({ agent, downForMs: fc.constantFrom(null, 3_000, 20_000) })
				.map((x) => ({ kind: "crash" as const, ...x })),
		},
		{ weight: 1, arbitrary: fc.record({ agent }).map((x) => ({ kind: "restart" as const, ...x })) },
		{
			weight: 1,
			arbitrary: fc
				.record({ role: fc.constantFrom(...QUOTA_ROLES), limits })
				.map((x) => ({ kind: "quota" as const, ...x })),
		},
		{
			weight: 1,
			arbitrary: fc
				.record({ role: fc.constantFrom(...ROLES), weight: fc.constantFrom(0.5, 1, 3) })
				.map((x) => ({ kind: "weight" as const, ...x })),
		},
	);
	return fc.record({ dt: fc.constantFrom(0, 0, 500, 1_000, 3_000, 8_000), a });
};

const world = fc
	.record({
		seed: fc.nat(1_000_000),
		agents: fc.integer({ min: 2, max: 6 }),
		cpus: fc.constantFrom(2, 4, 8),
		mem: fc.constantFrom(2048, 8192),
		frameworks: fc.array(rolesSubset, { minLength: 1, maxLength: 3 }),
		quotas: fc.array(fc.record({ role: fc.constantFrom(...QUOTA_ROLES), limits }), { maxLength: 3 }),
	})
	.chain((w) =>
		fc
			.array(action(w.frameworks.length, w.agents), { minLength: 10, maxLength: 50 })
			.map((actions) => ({ ...w, actions })),
	);

interface Filter {
	until: number;
	q: number[];
	ports: Set<number>;
}

/** What the frameworks asked for, and the offers that break it. */
class Model {
	readonly suppressed: Set<string>[];
	/** `${fw}|${agentId}|${role}` -> filter */
	readonly filters = new Map<string, Filter>();
	readonly problems: string[] = [];
	readonly #seen: number[];

	readonly h: Harness;
	readonly fws: TestFramework[];

	constructor(h: Harness, fws: TestFramework[]) {
		this.h = h;
		this.fws = fws;
		this.suppressed = fws.map(() => new Set());
		this.#seen = fws.map(() => 0);
	}

	/** Checks the offers every framework got since the last call. */
	audit(): void {
		this.fws.forEach((f, i) => {
			for (; this.#seen[i]! < f.events.length; this.#seen[i]!++) {
				const e = f.events[this.#seen[i]!]!;
				if (e.type !== "OFFERS") continue;
				const t = f.times[this.#seen[i]!]!;
				for (const o of e.offers.offers) this.#auditOffer(i, o, t);
			}
		});
	}

	#auditOffer(i: number, o: Offer, t: number): void {
		const role = o.allocation_info?.role ?? "";
		if (this.suppressed[i]!.has(role))
			this.problems.push(`t=${t}: fw${i} offered ${o.id.value} in suppressed ${role}`);
		const f = this.filters.get(`${i}|${o.agent_id.value}|${role}`);
		if (f === undefined || t >= f.until) return;
		const more =
			SCALARS.some((n, k) => scalar(o, n) > f.q[k]! + 1e-9) || [...portsOf(o)].some((p) => !f.ports.has(p));
		if (!more) this.problems.push(`t=${t}: fw${i} offered ${o.id.value} on a filtered agent in ${role}`);
	}

	/**
	 * A new decline on the same (framework, agent, role) replaces the filter
	 * there, as mesosim's filters do (one per key); Mesos keeps each filter
	 * until it expires (docs/testing.md, "Findings").
	 */
	decline(i: number, offers: Offer[], refuseS: number | null): void {
		for (const o of offers) {
			const key = `${i}|${o.agent_id.value}|${o.allocation_info?.role ?? ""}`;
			// No filters field: Mesos's default of 5 s, which the model does not rely on.
			if (refuseS === null || refuseS === 0) {
				this.filters.delete(key);
				continue;
			}
			this.filters.set(key, {
				until: this.h.engine.now + refuseS * 1000,
				q: SCALARS.map((n) => scalar(o, n)),
				ports: portsOf(o),
			});
		}
	}

	revive(i: number, roles: string[]): void {
		for (const r of roles) this.suppressed[i]!.delete(r);
		for (const k of [...this.filters.keys()]) {
			const [fw, , role] = k.split("|");
			if (fw === String(i) && roles.includes(role!)) this.filters.delete(k);
		}
	}

	/** An agent that went down may come back as a new agent: its filters are not relied on any more. */
	forgetAgent(agentId: string | null): void {
		if (agentId === null) return;
		for (const k of [...this.filters.keys()]) if (k.split("|")[1] === agentId) this.filters.delete(k);
	}
}

function portsOf(o: Offer): Set<number> {
	const out = new Set<number>();
	for (const r of o.resources)
		if (r.name === "ports")
			for (const x of r.ranges?.range ?? []) for (let p = x.begin; p <= x.end; p++) out.add(p);
	return out;
}

function pickRoles(roles: string[], pick: number[] | null): string[] | undefined {
	if (pick === null) return undefined;
	return [...new Set(pick.map((k) => roles[k % roles.length]!))];
}

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function runWorld(w: World): {
	violations: string[];
	problems: string[];
	offers: number;
} {
	const h = new Harness({
		seed: w.seed,
		agents: [{ count: w.agents, cpus: w.cpus, mem: w.mem, disk: 0, ports: [{ begin: 31000, end: 31004 }] }],
	});
	h.master.updateWeights([{ role: "eng/web", weight: 2 }]);
	for (const q of w.quotas) h.master.updateQuota(q.role, q.limits);
	const fws = w.frameworks.map((roles, i) => {
		const f = h.framework();
		expect(f.subscribe({ name: `fw${i}`, roles, capabilities: [{ type: "MULTI_ROLE" }] }).ok).toBe(true);
		return f;
	});
	h.settle();
	const model = new Model(h, fws);
	let taskNo = 0;
	for (const { dt, a } of w.actions) {
		h.run(dt);
		model.audit();
		switch (a.kind) {
			case "use": {
				const f = fws[a.fw]!;
				const offers = f.offers();
				if (offers.length === 0) break;
				const o = offers[a.pick % offers.length]!;
				const cpus = Math.min(a.cpus, scalar(o, "cpus"));
				const mem = Math.min(a.mem, scalar(o, "mem"));
				if (cpus < 0.1 || mem < 32) {
					f.decline([o], a.refuse ?? undefined);
					model.decline(a.fw, [o], a.refuse);
					break;
				}
				const r = f.launch([o], [task(`t${taskNo++}`, o, { cpus, mem })], a.refuse ?? undefined);
				expect(r.status).toBe(202);
				// The unused part is declined with the ACCEPT's filter, which replaces the one there.
				model.decline(a.fw, [o], null);
				break;
			}
			case "decline": {
				const f = fws[a.fw]!;
				const offers = f.offers();
				if (offers.length === 0) break;
				expect(f.decline(offers, a.refuse ?? undefined).status).toBe(202);
				model.decline(a.fw, offers, a.refuse);
				break;
			}
			case "suppress": {
				const roles = pickRoles(w.frameworks[a.fw]!, a.pick);
				const call =
					roles === undefined
						? { type: "SUPPRESS" as const }
						: { type: "SUPPRESS" as const, suppress: { roles } };
				expect(fws[a.fw]!.call(call).status).toBe(202);
				for (const r of roles ?? w.frameworks[a.fw]!) model.suppressed[a.fw]!.add(r);
				break;
			}
			case "revive": {
				const roles = pickRoles(w.frameworks[a.fw]!, a.pick);
				const call =
					roles === undefined ? { type: "REVIVE" as const } : { type: "REVIVE" as const, revive: { roles } };
				expect(fws[a.fw]!.call(call).status).toBe(202);
				model.revive(a.fw, roles ?? w.frameworks[a.fw]!);
				break;
			}
			case "kill": {
				const f = fws[a.fw]!;
				const live = [...(h.master.framework(f.id)?.tasks.values() ?? [])].filter((t) => !t.released);
				if (live.length === 0) break;
				const t = live[a.pick % live.length]!;
				f.call({ type: "KILL", kill: { task_id: { value: t.id }, agent_id: { value: t.agentId } } });
				break;
			}
			case "crash":
				model.forgetAgent(h.fleet.agentId(a.agent));
				h.fleet.crash(a.agent, a.downForMs);
				break;
			case "restart":
				if (!h.fleet.isUp(a.agent)) {
					model.forgetAgent(h.fleet.agentId(a.agent));
					h.fleet.start(a.agent);
				}
				break;
			case "quota":
				h.master.updateQuota(a.role, a.limits);
				break;
			case "weight":
				h.master.updateWeights([{ role: a.role, weight: a.weight }]);
				break;
		}
		h.settle();
	}
	h.run(10_000);
	model.audit();
	const offers = fws.reduce((n, f) => n + f.eventsOf("OFFERS").length, 0);
	return { violations: h.violations(), problems: model.problems, offers };
}

describe("role rules over random action sequences", () => {
	const numRuns = Number(process.env.MESOSIM_ROLES_RUNS ?? 150);
	let offers = 0;
	test.prop([world], { numRuns })(
		"quota limits, role-scoped SUPPRESS/REVIVE and filters hold; the checker finds nothing",
		(w) => {
			const r = runWorld(w);
			offers += r.offers;
			expect(r.violations).toEqual([]);
			expect(r.problems).toEqual([]);
		},
		Math.max(60_000, numRuns * 1000),
	);
	test("the runs made offers", () => {
		expect(offers).toBeGreaterThan(numRuns);
	});
});
