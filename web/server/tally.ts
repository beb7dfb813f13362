/**
 * Counts the feed keeps up to date from the master's observer hooks, so an
 * update never walks every task or agent: tasks per state per framework,
 * agents per health, resources in outstanding offers.
 *
 * Layout: `tasks` maps a framework record to counts by task state; `byHealth`
 * is indexed by HEALTH; `offered` (cluster) and `offeredByRole` are cpus, mem, disk, gpus.
 * Invariants: live states (staging, starting, running, unreachable) count the
 * tasks in that state now; terminal states count every task that reached them
 * since the feed started (plus those the master still held then).
 * Complexity: O(1) per hook; built once in O(agents + tasks).
 */
import {
	type FrameworkRecord,
	type Master,
	SCALAR_COUNT,
	type TaskRecord,
	type TaskState,
} from "../../master/index.js";
import { HEALTH_NAMES } from "../protocol.js";
import { healthOf } from "./map.js";

export class Tally {
	readonly tasks = new Map<FrameworkRecord, Record<string, number>>();
	readonly byHealth: number[] = new Array(HEALTH_NAMES.length).fill(0);
	readonly offered = new Float64Array(SCALAR_COUNT);
	/** Resources in outstanding offers per role index, summed over each role's subtree. */
	readonly offeredByRole = new Map<number, Float64Array>();
	/** Health of each agent as last counted. */
	readonly #health: number[] = [];
	readonly #master: Master;

	constructor(master: Master) {
		this.#master = master;
		for (const fw of master.frameworks) for (const t of fw.tasks.values()) this.taskChanged(t, null);
		this.agentsAdded();
		for (const fw of master.frameworks) for (const o of fw.offers) this.offer(o.role, o.q, 1);
	}

	taskChanged(t: TaskRecord, previous: TaskState | null): void {
		let counts = this.tasks.get(t.fw);
		if (counts === undefined) {
			counts = {};
			this.tasks.set(t.fw, counts);
		}
		if (previous !== null && counts[previous] !== undefined) counts[previous]--;
		counts[t.state] = (counts[t.state] ?? 0) + 1;
	}

	offer(role: number, q: ArrayLike<number>, sign: 1 | -1): void {
		add(this.offered, q, sign);
		add(this.#roleSum(role), q, sign);
		for (const up of this.#master.allocator.roles[role]?.ancestors ?? []) add(this.#roleSum(up), q, sign);
	}

	#roleSum(role: number): Float64Array {
		let sum = this.offeredByRole.get(role);
		if (sum === undefined) {
			sum = new Float64Array(SCALAR_COUNT);
			this.offeredByRole.set(role, sum);
		}
		return sum;
	}

	/** Recounts agent a's health; returns [before, now] (before is -1 for an agent not seen yet). */
	agentChanged(a: number): [number, number] {
		const before = this.#health[a] ?? -1;
		const now = healthOf(this.#master, a);
		if (before >= 0) this.byHealth[before]!--;
		this.byHealth[now]!++;
		this.#health[a] = now;
		return [before, now];
	}

	/** Counts agents registered since the last call (their hooks may have come before the feed). */
	agentsAdded(): void {
		for (let a = this.#health.length; a < this.#master.cluster.size; a++) this.agentChanged(a);
	}
}

function add(to: Float64Array, q: ArrayLike<number>, sign: 1 | -1): void {
	for (let k = 0; k < SCALAR_COUNT; k++) to[k] = Math.max(0, to[k]! + sign * q[k]!);
}
