/**
 * The run report. Field names are part of mesosim's interface (issue "Core"):
 * add fields freely, never rename. Everything but `wall` is deterministic:
 * same scenario + seed => byte-identical JSON once `wall` is removed.
 */
export interface FrameworkReport {
	name: string;
	id: string;
	type: string;
	roles: string[];
	offers: { received: number; accepted: number; declined: number; rescinded: number };
	tasks: {
		launched: number;
		running: number;
		finished: number;
		failed: number;
		killed: number;
		lost: number;
		error: number;
		/** Tasks that reached each state at least once (first time per task). */
		byState: Record<string, number>;
	};
	dominantShare: { final: number; mean: number };
	/** From SUBSCRIBED to the first offer; null if it never got one. */
	timeToFirstOfferMs: number | null;
}

export interface Report {
	mesosim: string;
	scenario: string;
	seed: number;
	simulatedMs: number;
	cluster: {
		agents: number;
		agentsActive: number;
		resources: { cpus: number; mem: number; disk: number; gpus: number };
	};
	frameworks: FrameworkReport[];
	utilization: { cpus: { mean: number; final: number }; mem: { mean: number; final: number } };
	fairness: { jain: number };
	allocator: { cycles: number; offersMade: number; agentsVisited: number };
	master: {
		offersOutstanding: number;
		agentsUnreachable: number;
		agentRegistrations: number;
		agentReregistrations: number;
		statusUpdates: number;
	};
	invariants: { checked: number; violations: number; firstViolation?: string };
	/**
	 * Time series sampled on the simulated clock (at most ~120 points): cluster
	 * utilisation (allocated / total) and each framework's dominant share, in
	 * the order of `frameworks`.
	 */
	series: { tMs: number[]; cpus: number[]; mem: number[]; shares: number[][] };
	/** FNV-style hash of every event the master sent to a framework, as 8 hex digits. */
	eventLogHash: string;
	engine: { events: number };
	/** Wall-clock figures: outside the determinism rule. */
	wall: { ms: number; eventsPerSecond: number; simulatedPerWall: number };
}
