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
	offers: {
		received: number;
		accepted: number;
		declined: number;
		rescinded: number;
		/** Offers the framework holds at the end (outstanding: neither accepted, declined nor rescinded). */
		held: number;
	};
	tasks: {
		launched: number;
		running: number;
		finished: number;
		failed: number;
		killed: number;
		lost: number;
		error: number;
		/** Tasks in each state at the end of the run: every task launched is in exactly one. */
		byState: Record<string, number>;
		/** Entries into each state during the run (a task that enters a state twice counts twice). */
		transitions: Record<string, number>;
	};
	/**
	 * Dominant share (max over resources of allocated / total). `final` and
	 * `mean` count resources in held offers as allocated, as Mesos's sorter
	 * does; `finalInTasks` and `finalInHeldOffers` split the final share by
	 * where the resources are (each the dominant share of that part alone).
	 */
	dominantShare: { final: number; mean: number; finalInTasks: number; finalInHeldOffers: number };
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
	/** Each framework's offers and tasks per interval of simulated time (see Timeline). */
	timeline: Timeline;
	/** FNV-style hash of every event the master sent to a framework, as 8 hex digits. */
	eventLogHash: string;
	engine: { events: number };
	/** Wall-clock figures: outside the determinism rule. */
	wall: { ms: number; eventsPerSecond: number; simulatedPerWall: number };
}

/**
 * Offers and tasks over time, one point per interval of `intervalMs` of
 * simulated time (a round figure: 1 s … 12 h, so that a run has at most 120
 * intervals), plus a last, shorter one ending at the end of the run. Point k
 * covers (tMs[k-1], tMs[k]] (the first starts at 0): counts are what happened
 * in that interval; gauges (`held`, `running`, `dominantShare`) are the value
 * at tMs[k]. Arrays are in the order of `tMs`, frameworks in the order of the
 * report's `frameworks`.
 */
export interface Timeline {
	intervalMs: number;
	tMs: number[];
	frameworks: TimelineFramework[];
	/** The scenario's timeline (faults and operations): when each happened. */
	events: { tMs: number; action: string; framework?: string }[];
}

export interface TimelineFramework {
	name: string;
	/** Counts per interval; `held` is a gauge (offers outstanding at the point). */
	offers: { received: number[]; accepted: number[]; declined: number[]; held: number[] };
	/** Counts per interval; `running` is a gauge (tasks in TASK_RUNNING at the point). */
	tasks: {
		launched: number[];
		running: number[];
		finished: number[];
		failed: number[];
		killed: number[];
		lost: number[];
	};
	/** Gauge: the dominant share at the point (held offers included, as Mesos counts). */
	dominantShare: number[];
}
