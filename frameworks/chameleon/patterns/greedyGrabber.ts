/**
 * greedyGrabber — one task per agent, as big as the offer (Spark coarse-
 * grained executors, Hadoop TaskTrackers). `scale` says how a task grows:
 * "cpus" takes every offered CPU with the fixed memory of `resources` (Spark
 * without executor.cores), "slots" takes as many whole `resources` slots as
 * fit (Hadoop, at most maxSlotsPerTask), "none" takes `resources` as is.
 * It wants offers while it has fewer than `instances` tasks (none given: no
 * limit) and less than `cpusMax` CPUs (Spark cores.max), so under DRF it
 * takes what it is offered; Mesos does not preempt, so a newcomer only gets
 * the resources its tasks give back.
 */
import { drawTaskPlan } from "../commands.js";
import { haveText, needText, type Why } from "../explain.js";
import type { LiveTask, Need, PoolOffer, Round } from "./base.js";
import { Pattern } from "./base.js";
import type { PatternMeta } from "./meta.js";

export class GreedyGrabber extends Pattern {
	/** Agents hosting one of its tasks. */
	readonly #agents = new Set<string>();
	#cpus = 0;

	protected start(): void {
		this.host.demandChanged();
	}

	override wantsOffers(): boolean {
		return this.started && this.live.size < this.instances && this.#cpus < this.cfg.cpusMax;
	}

	override get scalable(): boolean {
		return true;
	}

	/** Fewer: the newest tasks beyond `n` are killed. More: it wants offers again. */
	override scaleTo(n: number): void {
		this.instances = n;
		const alive = [...this.live.values()].filter((t) => !t.killed);
		for (let k = alive.length - 1; k >= n; k--) this.host.kill(alive[k]!);
		this.host.demandChanged();
	}

	override ready(): boolean {
		return this.started && this.live.size > 0;
	}

	/** The task size this offer allows, or null. */
	#size(po: PoolOffer, base: Need): Need | null {
		const have = po.have;
		const room = this.cfg.cpusMax - this.#cpus;
		const floor3 = (x: number) => Math.floor(x * 1000 + 1e-6) / 1000;
		switch (this.cfg.scale) {
			case "none":
				return base.cpus <= room ? base : null;
			case "cpus": {
				const cpus = floor3(Math.min(have.cpus, room));
				return cpus >= base.cpus && cpus > 0 ? { ...base, cpus } : null;
			}
			case "slots": {
				let k = this.cfg.maxSlotsPerTask;
				const per = (h: number, n: number) => (n > 0 ? Math.floor(h / n + 1e-9) : Number.POSITIVE_INFINITY);
				k = Math.min(k, per(have.cpus, base.cpus), per(have.mem, base.mem), per(have.disk, base.disk));
				k = Math.min(k, per(have.gpus, base.gpus), per(room, base.cpus));
				if (!Number.isFinite(k) || k < 1) return null;
				return {
					cpus: Math.round(base.cpus * k * 1000) / 1000,
					mem: base.mem * k,
					disk: base.disk * k,
					gpus: base.gpus * k,
					ports: base.ports,
				};
			}
		}
	}

	override place(round: Round): void {
		if (!this.wantsOffers()) return;
		for (const po of round.offers) {
			if (!this.wantsOffers()) return;
			if (this.#agents.has(po.agentId)) continue;
			if (this.cfg.role !== null && po.role !== this.cfg.role) continue;
			const base = this.drawNeed();
			const need = this.#size(po, base);
			if (need === null || !round.fits(this, po, need)) continue;
			const req = this.request({ name: this.name, need, plan: drawTaskPlan(this.cfg.lifecycle, this.rng) });
			round.placeOn(req, po, need);
		}
	}

	override explainUnused(po: PoolOffer, now: number): Why | null {
		if (!this.wantsOffers()) return null;
		if (this.#agents.has(po.agentId))
			return {
				reason: "CONSTRAINT_NOT_MET",
				detail: `one task per agent: a task of ${this.name} already runs on ${po.hostname}`,
			};
		const base = this.nominalNeed();
		const need = this.#size(po, base);
		if (need === null) {
			const room = this.cfg.cpusMax - this.#cpus;
			const cap = Number.isFinite(room) ? ` (${room} cpus left under cpusMax)` : "";
			return {
				reason: "DOES_NOT_FIT",
				detail: `a task needs at least ${needText(base)}${cap}; the offer has ${haveText(po.have)}`,
			};
		}
		return (
			this.whyNotPlaced(po, now, [{ name: this.name, need, agentId: null, stickyUntil: 0 }]) ?? {
				reason: "DOES_NOT_FIT",
				detail: `a task sized ${needText(need)} would fit; the drawn size did not`,
			}
		);
	}

	override onLaunched(task: LiveTask): void {
		this.#agents.add(task.agentId);
		this.#cpus += task.cpus;
	}

	override onEnded(task: LiveTask): void {
		this.#agents.delete(task.agentId);
		this.#cpus = Math.max(0, this.#cpus - task.cpus);
		this.host.demandChanged();
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "greedyGrabber";

export const meta: PatternMeta = {
	description:
		"One task per agent, sized to the offer (all its cpus, or as many slots as fit), up to instances / cpusMax.",
	stresses: "DRF shares, quota and weights, starvation of late frameworks (no preemption)",
	fields: ["instances", "count", "scale", "maxSlotsPerTask", "cpusMax"],
	defaultInstances: Number.POSITIVE_INFINITY,
	defaults: { resources: { cpus: 1, mem: 1024 }, lifecycle: { runFor: "infinite" } },
	create: (cfg, host) => new GreedyGrabber(cfg, host),
};
