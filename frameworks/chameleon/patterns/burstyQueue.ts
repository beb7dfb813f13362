/**
 * burstyQueue — a build queue with elastic agents (Jenkins on Mesos). Work
 * items arrive in bursts (MMPP by default) and wait in a queue; each item
 * runs on an agent task (`sleep infinity`, one item at a time) for a drawn
 * time (lifecycle.runFor). An item that finds no idle agent makes the
 * framework launch one more (up to maxAgents); an agent idle for
 * `idleTimeout` is killed (reaped). With the queue empty it wants nothing,
 * so its offers are declined with the long declineRefuseSeconds (Jenkins
 * 600 s) — and a new item REVIVEs.
 */

import type { TimerHandle } from "../../../engine/index.js";
import type { TaskState } from "../../../master/protocol/index.js";
import { drawTaskPlan } from "../commands.js";
import { sample } from "../dist.js";
import type { LiveTask } from "./base.js";
import type { PatternMeta } from "./meta.js";
import { PoissonBatch } from "./poissonBatch.js";

interface Item {
	arrivedAt: number;
	workMs: number;
}

interface AgentTask {
	task: LiveTask;
	item: Item | null;
	timer: TimerHandle;
}

export class BurstyQueue extends PoissonBatch {
	readonly items: Item[] = [];
	readonly agents = new Map<string, AgentTask>();

	protected override job(): void {
		this.noteArrival();
		const lc = this.cfg.lifecycle;
		const workMs = lc.runFor === null ? 60_000 : Math.round(sample(lc.runFor, this.rng));
		this.items.push({ arrivedAt: this.host.now(), workMs });
		this.#dispatch();
	}

	#dispatch(): void {
		for (const a of this.agents.values()) {
			if (this.items.length === 0) break;
			if (a.item === null && a.task.state === "TASK_RUNNING") this.#assign(a, this.items.shift()!);
		}
		// Agents on their way take the items still waiting; the cap counts every
		// agent task, launched (running or not) or still queued for an offer.
		let short = this.items.length - this.#starting();
		while (short > 0 && this.agents.size + this.queue.length < this.cfg.maxAgents) {
			short--;
			const plan = drawTaskPlan({ ...this.cfg.lifecycle, runFor: null, failureProbability: 0 }, this.rng);
			this.enqueue(this.request({ name: `${this.name}-agent`, plan }));
		}
		this.stats.itemsQueued = this.items.length;
	}

	/** Agent tasks queued for an offer, or launched and not yet running. */
	#starting(): number {
		let n = this.queue.length;
		for (const a of this.agents.values()) if (a.task.runningAt === null) n++;
		return n;
	}

	#assign(a: AgentTask, item: Item): void {
		a.item = item;
		if (a.timer >= 0) this.host.cancel(a.timer);
		a.timer = this.host.after(item.workMs, () => {
			a.timer = -1;
			a.item = null;
			this.stats.itemsDone++;
			this.#dispatch();
			if (a.item === null) this.#idle(a);
		});
	}

	#idle(a: AgentTask): void {
		if (a.timer >= 0) this.host.cancel(a.timer);
		a.timer = this.host.after(this.cfg.idleTimeoutMs, () => {
			a.timer = -1;
			if (a.item !== null) return;
			this.stats.reaped++;
			this.host.kill(a.task);
		});
	}

	override onLaunched(task: LiveTask): void {
		this.agents.set(task.id, { task, item: null, timer: -1 });
	}

	override onRunning(task: LiveTask): void {
		const a = this.agents.get(task.id);
		if (a === undefined) return;
		this.#dispatch();
		if (a.item === null) this.#idle(a);
	}

	override onEnded(task: LiveTask, _state: TaskState): void {
		const a = this.agents.get(task.id);
		if (a === undefined) return;
		this.agents.delete(task.id);
		if (a.timer >= 0) this.host.cancel(a.timer);
		if (a.item !== null) this.items.unshift(a.item);
		this.#dispatch();
	}

	override refreshStats(): void {
		this.stats.itemsQueued = this.items.length;
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "burstyQueue";

export const meta: PatternMeta = {
	description:
		"Work items arrive in bursts; an agent task per waiting item (up to maxAgents), idle agents reaped after idleTimeout; long declines when the queue is empty, REVIVE on enqueue.",
	stresses: "revive storms, short-lived agents, long decline filters",
	fields: ["arrivals", "idleTimeout", "maxAgents", "maxJobs"],
	defaultInstances: 0,
	requires: [{ field: "arrivals" }],
	defaults: {
		resources: { cpus: 0.1, mem: 512 },
		arrivals: { kind: "mmpp", rates: [0.5, 5], meanSojournMs: [600_000, 120_000] },
		idleTimeout: "3m",
		lifecycle: { runFor: { kind: "lognormal", median: 120, sigma: 0.5 } },
	},
	create: (cfg, host) => new BurstyQueue(cfg, host),
};
