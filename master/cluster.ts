/**
 * Cluster state: the registered agents as struct-of-arrays.
 *
 * Layout: agent index i (dense, never reused) -> total/offered/allocated per
 * scalar resource in Float64Arrays (index r * capacity + i would scatter; we
 * keep one array per resource instead), port ranges as arrays of ranges, state
 * flags in a Uint8Array. Strings (ids, hostnames) only for the edges.
 * Invariant: for every agent and resource, offered + allocated <= total and
 * both are >= 0; free = total - offered - allocated.
 * Guarded by: `mesosim bench allocator` and `mesosim bench engine`.
 */
import type { AgentEndpoint, AgentSpec } from "./protocol/agent.js";
import type { Attribute, Range } from "./protocol/messages.js";
import { SCALAR_COUNT } from "./protocol/resources.js";
import { SCALAR_EPSILON } from "./quantity.js";

export const AGENT_STATE = {
	NONE: 0,
	ACTIVE: 1,
	/** Connection dropped (crash) or deactivated by the operator: no offers. */
	DISCONNECTED: 2,
	DEACTIVATED: 3,
	UNREACHABLE: 4,
	/** Removed for good (replaced after a reboot, or marked gone). */
	REMOVED: 5,
	GONE: 6,
	DRAINING: 7,
} as const;
export type AgentState = (typeof AGENT_STATE)[keyof typeof AGENT_STATE];

export class Cluster {
	size = 0;
	#cap: number;
	total: Float64Array[];
	offered: Float64Array[];
	allocated: Float64Array[];
	state: Uint8Array;
	/** Link to the agent is down (pings unanswered). */
	linkDown: Uint8Array;
	linkGen: Int32Array;
	registeredAt: Float64Array;
	local: Int32Array;
	totalPorts: Range[][] = [];
	freePorts: Range[][] = [];
	ids: string[] = [];
	hostnames: string[] = [];
	attributes: Attribute[][] = [];
	endpoints: AgentEndpoint[] = [];
	/** Count of agents in ACTIVE state. */
	activeCount = 0;
	/** Count of agents in DISCONNECTED state (a registration looks for one at its hostname only if there are any). */
	disconnectedCount = 0;
	readonly #byId = new Map<string, number>();
	readonly #attrIntern = new Map<string, Attribute[]>();

	constructor(capacity = 1024) {
		this.#cap = capacity;
		this.total = Array.from({ length: SCALAR_COUNT }, () => new Float64Array(capacity));
		this.offered = Array.from({ length: SCALAR_COUNT }, () => new Float64Array(capacity));
		this.allocated = Array.from({ length: SCALAR_COUNT }, () => new Float64Array(capacity));
		this.state = new Uint8Array(capacity);
		this.linkDown = new Uint8Array(capacity);
		this.linkGen = new Int32Array(capacity);
		this.registeredAt = new Float64Array(capacity);
		this.local = new Int32Array(capacity);
	}

	indexOf(agentId: string): number {
		return this.#byId.get(agentId) ?? -1;
	}

	add(id: string, spec: AgentSpec, endpoint: AgentEndpoint, local: number, now: number): number {
		if (this.size === this.#cap) this.#grow();
		const i = this.size++;
		this.ids.push(id);
		this.#byId.set(id, i);
		this.hostnames.push(spec.hostname);
		this.attributes.push(this.#internAttributes(spec.attributes));
		this.endpoints.push(endpoint);
		this.local[i] = local;
		this.totalPorts.push(spec.ports);
		this.freePorts.push(spec.ports);
		this.setTotals(i, spec);
		this.registeredAt[i] = now;
		this.state[i] = AGENT_STATE.NONE;
		return i;
	}

	setTotals(i: number, spec: AgentSpec): void {
		this.total[0]![i] = spec.cpus;
		this.total[1]![i] = spec.mem;
		this.total[2]![i] = spec.disk;
		this.total[3]![i] = spec.gpus;
	}

	setState(i: number, s: AgentState): void {
		const was = this.state[i];
		if (was === AGENT_STATE.ACTIVE) this.activeCount--;
		if (s === AGENT_STATE.ACTIVE) this.activeCount++;
		if (was === AGENT_STATE.DISCONNECTED) this.disconnectedCount--;
		if (s === AGENT_STATE.DISCONNECTED) this.disconnectedCount++;
		this.state[i] = s;
	}

	free(i: number, r: number): number {
		const v = this.total[r]![i]! - this.offered[r]![i]! - this.allocated[r]![i]!;
		return v > SCALAR_EPSILON ? v : 0;
	}

	/** A change of agent i's link: a new generation, so checks armed for the old link do nothing. */
	nextLinkGeneration(i: number): number {
		this.linkGen[i] = this.linkGen[i]! + 1;
		return this.linkGen[i]!;
	}

	/** offered += q on agent i (an offer is made). */
	addOffered(i: number, q: Float64Array): void {
		addTo(this.offered, i, q);
	}

	/** offered -= q on agent i (an offer ends); float dust below SCALAR_EPSILON becomes 0. */
	releaseOffered(i: number, q: Float64Array): void {
		subtractFrom(this.offered, i, q);
	}

	/** allocated += q on agent i (a task is launched or comes back). */
	addAllocated(i: number, q: Float64Array): void {
		addTo(this.allocated, i, q);
	}

	/** allocated -= q on agent i (a task's resources are released); float dust below SCALAR_EPSILON becomes 0. */
	releaseAllocated(i: number, q: Float64Array): void {
		subtractFrom(this.allocated, i, q);
	}

	totalsOf(i: number): number[] {
		return [this.total[0]![i]!, this.total[1]![i]!, this.total[2]![i]!, this.total[3]![i]!];
	}

	#internAttributes(attrs: Attribute[]): Attribute[] {
		if (attrs.length === 0) return attrs;
		const key = JSON.stringify(attrs);
		let a = this.#attrIntern.get(key);
		if (a === undefined) {
			a = attrs;
			this.#attrIntern.set(key, a);
		}
		return a;
	}

	#grow(): void {
		const cap = this.#cap * 2;
		const g = (a: Float64Array) => {
			const b = new Float64Array(cap);
			b.set(a);
			return b;
		};
		this.total = this.total.map(g);
		this.offered = this.offered.map(g);
		this.allocated = this.allocated.map(g);
		const s = new Uint8Array(cap);
		s.set(this.state);
		this.state = s;
		const l = new Uint8Array(cap);
		l.set(this.linkDown);
		this.linkDown = l;
		const lg = new Int32Array(cap);
		lg.set(this.linkGen);
		this.linkGen = lg;
		this.registeredAt = g(this.registeredAt);
		const lo = new Int32Array(cap);
		lo.set(this.local);
		this.local = lo;
		this.#cap = cap;
	}
}

function addTo(columns: Float64Array[], i: number, q: Float64Array): void {
	for (let k = 0; k < SCALAR_COUNT; k++) {
		const column = columns[k]!;
		column[i] = column[i]! + q[k]!;
	}
}

function subtractFrom(columns: Float64Array[], i: number, q: Float64Array): void {
	for (let k = 0; k < SCALAR_COUNT; k++) {
		const column = columns[k]!;
		const v = column[i]! - q[k]!;
		column[i] = Math.abs(v) < SCALAR_EPSILON ? 0 : v;
	}
}
