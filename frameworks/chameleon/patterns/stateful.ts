/**
 * stateful — fixed ordinal tasks `<group>-<i>` deployed serially and
 * relaunched where they were (dcos-commons services: HDFS, Cassandra, Kafka).
 * Deploy: ordinal i+1 is queued only once ordinal i is RUNNING. Recovery: a
 * task that ends is relaunched (after the restart backoff) on the agent it
 * ran on, waiting up to `stickyTimeout` for an offer there (its data lives
 * there); after an agent-side loss (LOST, GONE, UNREACHABLE…) or once the
 * wait is over it goes wherever it fits.
 */
import type { TaskState, TaskStatus } from "../../../master/protocol/index.js";
import { isAgentLoss, type LiveTask } from "./base.js";
import type { PatternMeta } from "./meta.js";
import { type Slot, SteadyService } from "./steadyService.js";

export class Stateful extends SteadyService {
	/** Next ordinal of the initial deploy (== instances once deployed). */
	#deployed = 0;

	protected override start(): void {
		this.#deployNext();
	}

	#deployNext(): void {
		if (this.#deployed >= this.instances) return;
		const slot = this.slot(this.#deployed++);
		if (slot.retired) this.unretire(slot);
		else this.launchSlot(slot);
	}

	/** Down: the highest ordinals retire. Up: the serial deploy goes on from where it stopped. */
	override scaleTo(n: number): void {
		this.instances = n;
		if (!this.started) return;
		for (let i = this.slots.length - 1; i >= n; i--) if (!this.slots[i]!.retired) this.retire(this.slots[i]!);
		if (this.#deployed > n) this.#deployed = n;
		const last = this.#deployed === 0 ? null : this.slot(this.#deployed - 1);
		if (last === null || last.task?.state === "TASK_RUNNING") this.#deployNext();
	}

	override onRunning(task: LiveTask): void {
		const slot = task.req.data as Slot;
		if (slot.index === this.#deployed - 1) this.#deployNext();
	}

	override ready(): boolean {
		return this.#deployed >= this.instances && super.ready();
	}

	protected override placementHint(slot: Slot): { agentId?: string | null; stickyMs?: number } {
		return slot.lastAgent === null ? {} : { agentId: slot.lastAgent, stickyMs: this.cfg.stickyTimeoutMs };
	}

	protected override afterEnd(slot: Slot, _task: LiveTask, state: TaskState, status?: TaskStatus): void {
		if (isAgentLoss(state, status)) slot.lastAgent = null;
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "stateful";

export const meta: PatternMeta = {
	description:
		"Fixed ordinal tasks <group>-<i>, deployed one at a time (next when the previous is RUNNING), relaunched on the same agent where possible.",
	stresses: "serial deploys, sticky relaunch, recovery after agent loss, long declines + suppress",
	fields: ["instances", "count", "stickyTimeout"],
	defaultInstances: 3,
	defaults: { resources: { cpus: 0.5, mem: 2048, disk: 5000 }, lifecycle: { runFor: "infinite" } },
	create: (cfg, host) => new Stateful(cfg, host),
};
