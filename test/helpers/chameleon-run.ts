/**
 * Runs one chameleon framework, "app", on a small cluster through the real
 * runner (master, agents, in-process transport), its decisions recorded: the
 * chameleon tests that look at whole runs (chameleon-base,
 * chameleon-patterns-jobs).
 */
import type { ChameleonFramework } from "../../frameworks/chameleon/index.js";
import type { DecisionRecord, ReasonRecord } from "../../master/protocol/index.js";
import { recordDecisions, runSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

export interface AppCluster {
	seed?: number;
	duration?: string;
	agents?: number;
	cpus?: number;
	mem?: number;
	gpus?: number;
	/** Framework fields besides type, name and groups (offerPolicy, role…). */
	framework?: Record<string, unknown>;
	/** More frameworks, as in a scenario. */
	others?: unknown[];
	master?: Record<string, unknown>;
	timeline?: unknown[];
	/** Agent attributes (templated per agent, e.g. "r{i % 2}"). */
	attributes?: Record<string, string>;
	/** Called with the built simulation before it runs (to schedule calls at simulated times). */
	onBuilt?: (sim: Simulation) => void;
}

export function runApp(
	groups: unknown[],
	c: AppCluster = {},
): { sim: Simulation; app: ChameleonFramework; reasons: ReasonRecord[] } {
	const records: DecisionRecord[] = [];
	const { sim } = runSimulation(
		validateScenario({
			seed: c.seed ?? 1,
			duration: c.duration ?? "10m",
			...(c.master !== undefined ? { master: c.master } : {}),
			...(c.timeline !== undefined ? { timeline: c.timeline } : {}),
			agents: [
				{
					group: "h",
					count: c.agents ?? 4,
					cpus: c.cpus ?? 8,
					mem: c.mem ?? 16_384,
					disk: 100_000,
					...(c.gpus !== undefined ? { gpus: c.gpus } : {}),
					hostname: "h{i}",
					...(c.attributes !== undefined ? { attributes: c.attributes } : {}),
				},
			],
			frameworks: [{ type: "chameleon", name: "app", ...(c.framework ?? {}), groups }, ...(c.others ?? [])],
		}),
		{
			onBuilt: (s) => {
				recordDecisions(s, { write: (r) => records.push(r) });
				c.onBuilt?.(s);
			},
		},
	);
	const reasons = records.filter((r): r is ReasonRecord => r.kind === "reason" && r.framework === "app");
	return { sim, app: sim.frameworks.find((f) => f.name === "app")!.scheduler as ChameleonFramework, reasons };
}
