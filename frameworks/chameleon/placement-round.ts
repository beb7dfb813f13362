/**
 * One round of placing the groups' requests into the offer pool (see the
 * header of chameleon.ts): first fit, checking resources, ports,
 * maxTasksPerOffer, the group's role and its placement constraints against
 * the group's live tasks and this round's placements, which can be undone
 * (a partial gang).
 */
import { type Range, rangesSize, rangesSubtract, type TaskInfo } from "../../master/protocol/index.js";
import type { LiveTask, Need, Pattern, Placement, PoolOffer, Round, TaskRequest } from "./patterns/base.js";
import type { OfferPolicy } from "./spec/index.js";

const EPS = 1e-9;

type Committed = LiveTask & { info: TaskInfo };

/** What a round needs of the framework: its policy and the bookkeeping of a (un)committed task. */
export interface RoundHost {
	readonly policy: OfferPolicy;
	commit(
		req: TaskRequest,
		po: PoolOffer,
		need: Need,
		values: ReadonlyMap<string, string | undefined>,
	): LiveTask;
	uncommit(p: Placement, need: Need, ports: Range[]): void;
}

/** One round's placements over the pooled offers. */
export class PlacementRound implements Round {
	readonly now: number;
	readonly offers: PoolOffer[];
	readonly launched: LiveTask[] = [];
	readonly #core: RoundHost;
	#byAgent: Map<string, PoolOffer[]> | null = null;
	readonly #tasks = new Map<PoolOffer, Committed[]>();
	readonly #values = new Map<Pattern, Map<PoolOffer, Map<string, string | undefined>>>();
	readonly #undo = new Map<LiveTask, { need: Need; ports: Range[] }>();
	readonly #limit: number;

	constructor(core: RoundHost, offers: PoolOffer[], now: number) {
		this.#core = core;
		this.offers = offers;
		this.now = now;
		this.#limit = core.policy.maxTasksPerOffer > 0 ? core.policy.maxTasksPerOffer : Number.POSITIVE_INFINITY;
	}

	#offersOf(agentId: string): PoolOffer[] {
		if (this.#byAgent === null) {
			const m = new Map<string, PoolOffer[]>();
			for (const po of this.offers) {
				let list = m.get(po.agentId);
				if (list === undefined) {
					list = [];
					m.set(po.agentId, list);
				}
				list.push(po);
			}
			this.#byAgent = m;
		}
		return this.#byAgent.get(agentId) ?? [];
	}

	values(g: Pattern, po: PoolOffer): Map<string, string | undefined> {
		let m = this.#values.get(g);
		if (m === undefined) {
			m = new Map();
			this.#values.set(g, m);
		}
		let v = m.get(po);
		if (v === undefined) {
			v = g.tracker.valuesOf(po.offer);
			m.set(po, v);
		}
		return v;
	}

	fits(group: Pattern, po: PoolOffer, need: Need): boolean {
		if (po.placed >= this.#limit) return false;
		if (po.keptBy !== null && po.keptBy !== group) return false;
		if (group.cfg.role !== null && po.role !== group.cfg.role) return false;
		if (!hasRoom(po.have, need)) return false;
		return group.tracker.empty || group.tracker.allows(this.values(group, po));
	}

	place(req: TaskRequest): Placement | null {
		if (req.agentId !== null && this.now < req.stickyUntil) {
			for (const po of this.#offersOf(req.agentId)) {
				const p = this.placeOn(req, po);
				if (p !== null) return p;
			}
			return null;
		}
		for (const po of this.offers) {
			const p = this.placeOn(req, po);
			if (p !== null) return p;
		}
		return null;
	}

	placeOn(req: TaskRequest, po: PoolOffer, need: Need = req.need): Placement | null {
		const g = req.group;
		if (!this.fits(g, po, need)) return null;
		const portsBefore = po.have.ports;
		const task = this.#core.commit(
			req,
			po,
			need,
			g.tracker.empty ? EMPTY_VALUES : this.values(g, po),
		) as Committed;
		const ports = rangesSubtract(portsBefore, po.have.ports);
		this.#undo.set(task, { need, ports });
		let list = this.#tasks.get(po);
		if (list === undefined) {
			list = [];
			this.#tasks.set(po, list);
		}
		list.push(task);
		this.launched.push(task);
		return { task, offer: po };
	}

	undo(p: Placement): void {
		const u = this.#undo.get(p.task);
		if (u === undefined) return;
		this.#undo.delete(p.task);
		this.#core.uncommit(p, u.need, u.ports);
		const list = this.#tasks.get(p.offer);
		if (list !== undefined) {
			const k = list.indexOf(p.task as Committed);
			if (k >= 0) list.splice(k, 1);
		}
		const k = this.launched.indexOf(p.task);
		if (k >= 0) this.launched.splice(k, 1);
	}

	keep(po: PoolOffer, group: Pattern, until: number): void {
		po.keptBy = group;
		po.keepUntil = Math.max(po.keepUntil, until);
	}

	tasksOn(po: PoolOffer): TaskInfo[] {
		return (this.#tasks.get(po) ?? []).map((t) => t.info);
	}

	/** The tasks placed on `po` this round (reason records). */
	launchedOn(po: PoolOffer): readonly LiveTask[] {
		return this.#tasks.get(po) ?? [];
	}
}

/** Whether what is left of an offer holds `need` (resources and ports; not the role or constraints). */
export function hasRoom(h: PoolOffer["have"], need: Need): boolean {
	return !(
		h.cpus - need.cpus < -EPS ||
		h.mem - need.mem < -EPS ||
		h.disk - need.disk < -EPS ||
		h.gpus - need.gpus < -EPS ||
		rangesSize(h.ports) < need.ports
	);
}

const EMPTY_VALUES: ReadonlyMap<string, string | undefined> = new Map();
