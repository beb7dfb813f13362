/**
 * steadyService — `instances` long-running tasks kept alive (Marathon apps).
 * Each instance is a slot with a fixed name `<group>-<i>`; its tasks are
 * `<group>-<i>__<attempt>`. A task that ends is replaced: at once after a
 * clean exit, after the restart backoff (backoffMs × factor^(n−1), at most
 * capMs, n = consecutive failures) after a failure, kill or loss. The gap
 * from an end to the replacement's launch is recorded (restartGaps).
 * Subclasses reuse the slots: stateful (serial, sticky), elasticScale
 * (moving target), crashLoop, constrainedPlacement, bigNodeTasks.
 */

import type { TimerHandle } from "../../../engine/index.js";
import type { TaskState, TaskStatus } from "../../../master/protocol/index.js";
import type { GroupConfig } from "../spec/config.js";
import { type Host, type LiveTask, neverStarted, Pattern, type TaskRequest } from "./base.js";
import type { PatternMeta } from "./meta.js";

export class Slot {
	readonly index: number;
	task: LiveTask | null = null;
	pending: TaskRequest | null = null;
	timer: TimerHandle = -1;
	failures = 0;
	attempt = 0;
	endedAt: number | null = null;
	/** Agent of its last task (stateful relaunches there). */
	lastAgent: string | null = null;
	retired = false;

	constructor(index: number) {
		this.index = index;
	}

	get active(): boolean {
		return this.task !== null || this.pending !== null || this.timer >= 0;
	}
}

export class SteadyService extends Pattern {
	readonly slots: Slot[] = [];

	constructor(cfg: GroupConfig, host: Host) {
		super(cfg, host);
	}

	protected start(): void {
		for (let i = 0; i < this.instances; i++) this.launchSlot(this.slot(i));
	}

	override get scalable(): boolean {
		return true;
	}

	/** Slots below `n` run (retired ones come back), the rest retire, newest first. */
	override scaleTo(n: number): void {
		this.instances = n;
		if (!this.started) return;
		for (let i = 0; i < n; i++) {
			const s = this.slot(i);
			if (s.retired) this.unretire(s);
			else if (!s.active) this.launchSlot(s);
		}
		for (let i = this.slots.length - 1; i >= n; i--) if (!this.slots[i]!.retired) this.retire(this.slots[i]!);
	}

	protected slot(i: number): Slot {
		while (this.slots.length <= i) this.slots.push(new Slot(this.slots.length));
		return this.slots[i]!;
	}

	protected slotName(slot: Slot): string {
		return `${this.name}-${slot.index}`;
	}

	/** Queues the slot's next task. */
	protected launchSlot(slot: Slot): void {
		if (slot.retired || slot.task !== null || slot.pending !== null) return;
		const name = this.slotName(slot);
		const req = this.request({
			name,
			id: `${name}__${slot.attempt++}`,
			data: slot,
			...this.placementHint(slot),
		});
		slot.pending = req;
		this.enqueue(req);
	}

	/** Where the slot's next task should go (stateful: its previous agent). */
	protected placementHint(_slot: Slot): { agentId?: string | null; stickyMs?: number } {
		return {};
	}

	override ready(): boolean {
		if (!this.started) return false;
		for (const s of this.slots) if (!s.retired && s.task?.state !== "TASK_RUNNING") return false;
		return true;
	}

	override onLaunched(task: LiveTask): void {
		const slot = task.req.data as Slot;
		slot.pending = null;
		slot.task = task;
		slot.lastAgent = task.agentId;
		if (slot.endedAt !== null) {
			this.stats.restartGaps.push(this.host.now() - slot.endedAt);
			slot.endedAt = null;
		}
	}

	override onEnded(task: LiveTask, state: TaskState, status?: TaskStatus): void {
		const slot = task.req.data as Slot;
		if (slot.task === task) slot.task = null;
		if (slot.retired) return;
		if (neverStarted(task, status)) {
			this.launchSlot(slot);
			return;
		}
		slot.endedAt = this.host.now();
		this.afterEnd(slot, task, state, status);
		let delay = 0;
		if (state === "TASK_FINISHED") slot.failures = 0;
		else if (!task.killed) delay = this.backoff(++slot.failures);
		if (delay <= 0) this.launchSlot(slot);
		else
			slot.timer = this.afterBackoff(delay, () => {
				slot.timer = -1;
				this.launchSlot(slot);
			});
	}

	/** Hook for subclasses, before the replacement is scheduled. */
	protected afterEnd(_slot: Slot, _task: LiveTask, _state: TaskState, _status?: TaskStatus): void {}

	/** Retires a slot: its queued request is dropped, its timer cancelled, its task killed. */
	protected retire(slot: Slot): void {
		slot.retired = true;
		if (slot.pending !== null) {
			this.dequeue(slot.pending);
			slot.pending = null;
		}
		if (slot.timer >= 0) {
			this.cancelBackoff(slot.timer);
			slot.timer = -1;
		}
		if (slot.task !== null) this.host.kill(slot.task);
		slot.endedAt = null;
	}

	/** Brings a retired slot back. */
	protected unretire(slot: Slot): void {
		if (!slot.retired) return;
		slot.retired = false;
		slot.failures = 0;
		if (slot.task === null) this.launchSlot(slot);
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "steadyService";

export const meta: PatternMeta = {
	description: "N long-running instances kept alive; a task that ends is replaced after the restart backoff.",
	stresses: "long-lived allocations, fragmentation, suppress/revive when idle",
	fields: ["instances", "count"],
	defaultInstances: 1,
	defaults: { resources: { cpus: 1, mem: 128 }, lifecycle: { runFor: "infinite" } },
	create: (cfg, host) => new SteadyService(cfg, host),
};
