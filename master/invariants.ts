/**
 * Invariant checks over the master's state, run after every event in tests and
 * with `mesosim run --check-invariants`. Only agents touched since the last
 * check are examined, so a check costs O(work done by the event).
 *
 *  - per agent and resource: offered = sum of its outstanding offers,
 *    allocated = sum of its unreleased tasks, both >= 0, offered + allocated
 *    <= total (so free >= 0);
 *  - offers end exactly once (the master records a double end as a violation);
 *  - a task's resources are released at most once, and only for a terminal
 *    (or unreachable) state;
 *  - offers go only to a framework's own, unsuppressed roles, never to a
 *    removed or inactive framework, and only on an active agent (not
 *    disconnected, deactivated, draining, unreachable or removed);
 *  - quota: what each role holds itself (offers + unreleased tasks in that
 *    very role) is tracked here apart from the allocator, and no offer takes
 *    its role past the role's own quota limit (a limit lowered below what is
 *    held already revokes nothing, so only the offer that crosses it counts).
 *    Sub-roles are left out on purpose: whether a parent's limit caps its
 *    children is the hierarchical-quota rule (docs/mesos-rules.md §4), and
 *    what a role holds itself never exceeds what its subtree holds, so the
 *    check holds under either reading;
 *  - checks added with addCheck, e.g. the fleet's: an update with a uuid is
 *    redelivered until it is acknowledged (a retry is always armed).
 */
import { AGENT_STATE } from "./cluster.js";
import type { Master } from "./master.js";
import { SCALAR_NAMES } from "./protocol/resources.js";
import type { OfferRecord, TaskRecord } from "./records.js";

const EPS = 1e-6;
const SCALARS = SCALAR_NAMES.length;

export class InvariantChecker {
	readonly #master: Master;
	readonly #dirty = new Set<number>();
	checked = 0;
	readonly violations: string[] = [];
	#seenMasterViolations = 0;
	/** Per role index: what the role itself holds (offers + unreleased tasks), cpus/mem/disk/gpus. */
	readonly #held: Float64Array[] = [];
	/** Tasks whose resources count in #held (not yet released). */
	readonly #holding = new WeakSet<TaskRecord>();

	constructor(master: Master) {
		this.#master = master;
		// What is held already when the checker is attached.
		for (const fw of master.frameworks) {
			for (const o of fw.offers) this.#hold(o.role, o.q, 1);
			for (const t of fw.tasks.values()) {
				if (t.released) continue;
				this.#holding.add(t);
				this.#hold(t.role, t.q, 1);
			}
		}
		const prev = master.observer;
		master.observer = {
			...prev,
			offerMade: (o) => {
				this.#dirty.add(o.agent);
				this.#hold(o.role, o.q, 1);
				this.#checkOffer(o);
				prev.offerMade?.(o);
			},
			offerEnded: (o, how) => {
				this.#dirty.add(o.agent);
				this.#hold(o.role, o.q, -1);
				prev.offerEnded?.(o, how);
			},
			taskChanged: (t, p) => {
				this.#dirty.add(t.agent);
				if (!t.released && !this.#holding.has(t)) {
					this.#holding.add(t);
					this.#hold(t.role, t.q, 1);
				} else if (t.released && this.#holding.has(t)) {
					this.#holding.delete(t);
					this.#hold(t.role, t.q, -1);
				}
				prev.taskChanged?.(t, p);
			},
			agentChanged: (a) => {
				this.#dirty.add(a);
				prev.agentChanged?.(a);
			},
		};
	}

	readonly #extra: (() => string[])[] = [];

	/** Adds a check from outside the master (e.g. the agents' redelivery audit). */
	addCheck(fn: () => string[]): void {
		this.#extra.push(fn);
	}

	/** Checks every agent touched since the last call; returns the number of new violations. */
	check(): number {
		this.checked++;
		const before = this.violations.length;
		for (const fn of this.#extra)
			for (const v of fn()) if (this.violations.length < 1000) this.violations.push(v);
		const m = this.#master;
		while (this.#seenMasterViolations < m.violations.length) {
			this.violations.push(m.violations[this.#seenMasterViolations++]!);
		}
		for (const a of this.#dirty) this.#checkAgent(a);
		this.#dirty.clear();
		return this.violations.length - before;
	}

	#roleHeld(role: number): Float64Array {
		let h = this.#held[role];
		if (h === undefined) {
			for (let r = this.#held.length; r <= role; r++) this.#held.push(new Float64Array(SCALARS));
			h = this.#held[role]!;
		}
		return h;
	}

	/** Adds (sign 1) or takes away `q` from what `role` holds. */
	#hold(role: number, q: Float64Array, sign: 1 | -1): void {
		const h = this.#roleHeld(role);
		for (let k = 0; k < SCALARS; k++) h[k] = h[k]! + sign * q[k]!;
	}

	#checkOffer(o: OfferRecord): void {
		const fw = o.fw;
		const roles = this.#master.allocator.roles;
		const role = roles[o.role]!;
		if (!fw.roleIdx.includes(o.role))
			this.violations.push(`offer ${o.id}: role ${role.name} is not one of ${fw.info.name}'s roles`);
		if (fw.suppressed.has(role.name))
			this.violations.push(`offer ${o.id}: role ${role.name} is suppressed by ${fw.info.name}`);
		if (fw.removed || !fw.active)
			this.violations.push(`offer ${o.id}: framework ${fw.info.name} is removed or inactive`);
		const cl = this.#master.cluster;
		if (cl.state[o.agent] !== AGENT_STATE.ACTIVE)
			this.violations.push(
				`offer ${o.id}: agent ${cl.ids[o.agent]} is in state ${cl.state[o.agent]}, not active`,
			);
		if (!role.hasLimit) return;
		const h = this.#roleHeld(o.role);
		for (let k = 0; k < SCALARS; k++) {
			// Only a resource this offer adds to can have been taken past the limit by it.
			if (o.q[k]! > EPS && h[k]! > role.limit[k]! + EPS) {
				this.violations.push(
					`offer ${o.id}: role ${role.name} holds ${h[k]} ${SCALAR_NAMES[k]} > quota limit ${role.limit[k]}`,
				);
			}
		}
	}

	/** Checks every agent (end of run). */
	checkAll(): number {
		for (let a = 0; a < this.#master.cluster.size; a++) this.#dirty.add(a);
		return this.check();
	}

	#checkAgent(a: number): void {
		const m = this.#master;
		const cl = m.cluster;
		const offered = [0, 0, 0, 0];
		const allocated = [0, 0, 0, 0];
		for (const o of m.offersOnAgent(a)) for (let k = 0; k < 4; k++) offered[k]! += o.q[k]!;
		for (const t of m.tasksOnAgent(a)) {
			if (t.released) continue;
			for (let k = 0; k < 4; k++) allocated[k]! += t.q[k]!;
		}
		for (let k = 0; k < 4; k++) {
			const name = SCALAR_NAMES[k]!;
			const off = cl.offered[k]![a]!;
			const alloc = cl.allocated[k]![a]!;
			const total = cl.total[k]![a]!;
			const id = cl.ids[a];
			if (off < -EPS || alloc < -EPS)
				this.violations.push(`agent ${id}: negative ${name} (offered ${off}, allocated ${alloc})`);
			if (Math.abs(off - offered[k]!) > EPS)
				this.violations.push(`agent ${id}: offered ${name} ${off} != sum of offers ${offered[k]}`);
			if (Math.abs(alloc - allocated[k]!) > EPS)
				this.violations.push(`agent ${id}: allocated ${name} ${alloc} != sum of tasks ${allocated[k]}`);
			if (off + alloc > total + EPS)
				this.violations.push(`agent ${id}: ${name} over-committed (${off} + ${alloc} > ${total})`);
		}
	}
}
