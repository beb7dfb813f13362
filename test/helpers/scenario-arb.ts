/**
 * Random small scenarios for property tests: up to 30 agents in 1-3 groups,
 * 1-4 simple frameworks on flat and nested roles (one with a weight, one with
 * quota), decline filters, GPUs, and faults on the timeline (crashes,
 * partitions, flapping, restarts, teardowns, revives). Values are scenario
 * input objects (what a YAML file holds), to be checked by validateScenario.
 */
import { fc } from "@fast-check/vitest";

const agentGroup = (i: number) =>
	fc.record({
		group: fc.constant(`g${i}`),
		count: fc.integer({ min: 1, max: 12 }),
		cpus: fc.constantFrom(1, 2, 4, 8, 16),
		mem: fc.constantFrom(1024, 4096, 16384),
		disk: fc.constantFrom(0, 1000, 1000),
		gpus: fc.constantFrom(0, 0, 0, 1),
		ports: fc.constantFrom("[31000-31005]", "[31000-32000]", "[31000-31000, 32000-32003]"),
	});

const command = fc.oneof(
	fc.constantFrom(1, 5, 20, 60, 300).map((n) => `sleep ${n}`),
	fc.constantFrom(1, 5, 30).map((n) => `sleep ${n} && exit 1`),
	fc.constant("sleep infinity"),
	fc.constant("exit 0"),
	fc.constant("sleep 2; exit 3"),
);

const framework = (i: number) =>
	fc
		.record({
			role: fc.constantFrom("*", "a", "eng", "eng/web", "ops/x"),
			startAt: fc.constantFrom(0, 0, 0, 30, 90),
			declineRefuseSeconds: fc.constantFrom(0, 0, 1, 5, 30),
			partitionAware: fc.boolean(),
			checkpoint: fc.boolean(),
			failoverTimeout: fc.constantFrom(0, 0, 60),
			latency: fc.constantFrom(0, 0, 0.05),
			count: fc.integer({ min: 1, max: 40 }),
			cpus: fc.constantFrom(0.1, 0.5, 1, 2),
			mem: fc.constantFrom(32, 128, 512, 2048),
			disk: fc.constantFrom(0, 0, 100),
			gpus: fc.constantFrom(0, 0, 0, 1),
			ports: fc.constantFrom(0, 0, 1, 2),
			command,
			relaunch: fc.boolean(),
			maxPerOffer: fc.option(fc.constantFrom(1, 4), { nil: undefined }),
		})
		.map((f) => ({
			type: "simple" as const,
			name: `f${i}`,
			role: f.role,
			startAt: f.startAt,
			declineRefuseSeconds: f.declineRefuseSeconds,
			partitionAware: f.partitionAware,
			checkpoint: f.checkpoint,
			failoverTimeout: f.failoverTimeout,
			latency: f.latency,
			tasks: {
				count: f.count,
				cpus: f.cpus,
				mem: f.mem,
				disk: f.disk,
				gpus: f.gpus,
				ports: f.ports,
				// A relaunched task that ends at once would spin: keep those at >= 5 s.
				command: f.relaunch && /^(exit|sleep 1 |sleep 1$|sleep 2)/.test(f.command) ? "sleep 5" : f.command,
				relaunch: f.relaunch,
				...(f.maxPerOffer === undefined ? {} : { maxPerOffer: f.maxPerOffer }),
			},
		}));

const selector = fc.oneof(
	fc.integer({ min: 1, max: 5 }).map((count) => ({ count })),
	fc.constantFrom(0.1, 0.5, 1).map((fraction) => ({ fraction })),
	fc.constant({}),
);

function timelineEvent(durationS: number, frameworks: number) {
	const at = fc.integer({ min: 0, max: durationS });
	const downFor = fc.option(fc.integer({ min: 5, max: 300 }), { nil: undefined });
	const agents = selector;
	return fc.oneof(
		fc.record({ at, agents, for: downFor }).map((e) => ({ action: "crashAgents" as const, ...e })),
		fc.record({ at, agents, for: downFor }).map((e) => ({ action: "partitionAgents" as const, ...e })),
		fc
			.record({
				at,
				agents,
				for: fc.integer({ min: 5, max: 120 }),
				times: fc.integer({ min: 1, max: 3 }),
				upFor: fc.integer({ min: 5, max: 120 }),
			})
			.map((e) => ({ action: "flapAgents" as const, ...e })),
		fc
			.record({ at, framework: fc.integer({ min: 0, max: frameworks - 1 }).map((i) => `f${i}`) })
			.map((e) => ({ action: "teardownFramework" as const, ...e })),
		fc.record({ at, agents }).map((e) => ({ action: "restartAgents" as const, ...e })),
		fc
			.record({ at, count: fc.integer({ min: 1, max: 3 }) })
			.map((e) => ({ action: "addAgents" as const, group: "g0", ...e })),
		fc
			.record({ at, framework: fc.integer({ min: 0, max: frameworks - 1 }).map((i) => `f${i}`) })
			.map((e) => ({ action: "reviveFramework" as const, ...e })),
	);
}

/** Drops undefined fields (the schema has no `undefined`). */
function clean<T>(x: T): T {
	return JSON.parse(JSON.stringify(x)) as T;
}

/** Scenario input objects (what a YAML file holds), checked by validateScenario. */
export const scenarioArb: fc.Arbitrary<unknown> = fc
	.record({
		seed: fc.nat(1_000_000),
		durationS: fc.integer({ min: 60, max: 1200 }),
		groups: fc.integer({ min: 1, max: 3 }),
		frameworks: fc.integer({ min: 1, max: 4 }),
		offerTimeout: fc.constantFrom(null, null, 5, 30),
		allocationInterval: fc.constantFrom(1, 1, 5),
		agentPingTimeout: fc.constantFrom(5, 15),
		maxAgentPingTimeouts: fc.constantFrom(2, 5),
	})
	.chain((p) =>
		fc
			.record({
				agents: fc.tuple(...Array.from({ length: p.groups }, (_, i) => agentGroup(i))),
				frameworks: fc.tuple(...Array.from({ length: p.frameworks }, (_, i) => framework(i))),
				timeline: fc.array(timelineEvent(p.durationS, p.frameworks), { maxLength: 4 }),
				weights: fc.constantFrom(1, 2, 0.5),
				quota: fc.option(fc.record({ cpus: fc.constantFrom(1, 4, 20), mem: fc.constantFrom(512, 8192) }), {
					nil: undefined,
				}),
			})
			.map((x) => {
				// At most 30 agents in all.
				let left = 30;
				const agents = x.agents.map((g) => {
					const count = Math.max(1, Math.min(g.count, left));
					left -= count;
					return { ...g, count };
				});
				const total = agents.reduce((n, g) => n + g.count, 0);
				const timeline = x.timeline.map((e) =>
					"agents" in e && e.agents !== undefined && "count" in e.agents
						? { ...e, agents: { count: Math.min(e.agents.count, total) } }
						: e,
				);
				return clean({
					name: "prop",
					seed: p.seed,
					duration: p.durationS,
					master: {
						allocationInterval: p.allocationInterval,
						offerTimeout: p.offerTimeout,
						agentPingTimeout: p.agentPingTimeout,
						maxAgentPingTimeouts: p.maxAgentPingTimeouts,
						maxCompletedTasksPerFramework: 100_000,
						maxUnreachableTasksPerFramework: 100_000,
					},
					agents,
					roles: [
						{ name: "eng/web", weight: x.weights },
						{ name: "a", quota: x.quota },
					],
					frameworks: x.frameworks,
					timeline,
				});
			}),
	);
