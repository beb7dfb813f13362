/**
 * gang — jobs of `gangSize` tasks that only make sense together (MPI ranks,
 * TensorFlow workers): all or nothing. Gangs wait in FIFO order; the head
 * gang is placed in one round across the offers at hand, and if any member
 * does not fit, every placement is taken back — a partial gang never
 * launches. Then, with offerPolicy.acceptPartialGang, the offers that could
 * hold members are kept for the gang (mpiexec holding partial allocations:
 * the hoarding / inter-gang deadlock case) until it fits or `gangTimeout`
 * passes (the gang fails and the offers are released); without it they are
 * declined like any unusable offer.
 * Members share one drawn run time and startup delay; a failure draw picks
 * one member to fail (`sleep X && exit C`), and when any member ends badly
 * the others are killed. A failed (or timed-out) gang is retried
 * `lifecycle.retries` times after the restart backoff.
 * `instances` gangs start at once; `arrivals` add more.
 */

import type { TimerHandle } from "../../../engine/index.js";
import type { TaskState, TaskStatus } from "../../../master/protocol/index.js";
import { drawTaskPlan, taskCommand } from "../commands.js";
import { sample } from "../dist.js";
import { needText, untilText, type Why } from "../explain.js";
import type { LiveTask, Placement, PoolOffer, Round, TaskRequest } from "./base.js";
import type { PatternMeta } from "./meta.js";
import { PoissonBatch } from "./poissonBatch.js";

export interface GangJob {
	no: number;
	attempt: number;
	members: TaskRequest[];
	live: Set<LiveTask>;
	pendingSince: number;
	timer: TimerHandle;
	failed: boolean;
	launched: boolean;
	failures: number;
	/** Members that fitted at its last try (reason records). */
	fitted: number;
}

export class Gang extends PoissonBatch {
	readonly pending: GangJob[] = [];
	/** Gangs launched and not yet over. */
	readonly running = new Set<GangJob>();
	#gangs = 0;

	protected override start(): void {
		for (let i = 0; i < this.cfg.instances; i++) this.#newGang();
		super.start();
	}

	protected override job(): void {
		this.#newGang();
	}

	#newGang(): void {
		this.noteArrival();
		this.#queueGang(this.#gangs++, 0, 0);
	}

	#queueGang(no: number, attempt: number, failures: number): void {
		const lc = this.cfg.lifecycle;
		const n = this.cfg.gangSize;
		const runMs = lc.runFor === null ? null : Math.round(sample(lc.runFor, this.rng));
		const shared = drawTaskPlan({ ...lc, failureProbability: 0 }, this.rng, { runMs });
		const fails =
			lc.failureProbability >= 1 || (lc.failureProbability > 0 && this.rng.bernoulli(lc.failureProbability));
		const failRank = fails ? this.rng.int(n) : -1;
		let failAt = 0;
		if (fails) {
			if (lc.failAfter !== null) failAt = Math.round(sample(lc.failAfter, this.rng));
			else failAt = runMs ?? Math.round(this.rng.uniform(1000, 30_000));
		}
		const need = this.drawNeed();
		const gang: GangJob = {
			no,
			attempt,
			members: [],
			live: new Set(),
			pendingSince: this.host.now(),
			timer: -1,
			failed: false,
			launched: false,
			failures,
			fitted: 0,
		};
		for (let r = 0; r < n; r++) {
			const command =
				r === failRank ? taskCommand(null, { afterMs: failAt, code: lc.exitCode }) : shared.command;
			gang.members.push(
				this.request({
					name: `${this.name}-${no}`,
					id: `${this.name}-${no}.${attempt}-${r}`,
					need,
					plan: { ...shared, command },
					data: gang,
				}),
			);
		}
		this.pending.push(gang);
		if (this.cfg.gangTimeoutMs !== null)
			gang.timer = this.host.after(this.cfg.gangTimeoutMs, () => this.#timeout(gang));
		this.host.demandChanged();
	}

	/** Not placed in time: the gang fails (a retry if it has one left) and its held offers go back. */
	#timeout(gang: GangJob): void {
		gang.timer = -1;
		const k = this.pending.indexOf(gang);
		if (k < 0) return;
		this.pending.splice(k, 1);
		this.stats.gangTimeouts++;
		this.host.releaseKept(this, () => `${this.#gangText(gang)} gave up at its gangTimeout`);
		this.#retry(gang);
		this.host.demandChanged();
	}

	#retry(gang: GangJob): void {
		if (gang.failures >= this.cfg.lifecycle.retries) return;
		const delay = this.backoff(gang.failures + 1);
		this.afterBackoff(delay, () => this.#queueGang(gang.no, gang.attempt + 1, gang.failures + 1));
	}

	override wantsOffers(): boolean {
		return this.pending.length > 0;
	}

	override ready(): boolean {
		return this.started && this.pending.length === 0;
	}

	override place(round: Round): void {
		while (this.pending.length > 0) {
			const gang = this.pending[0]!;
			const placed: Placement[] = [];
			for (const req of gang.members) {
				const p = round.place(req);
				if (p === null) break;
				placed.push(p);
			}
			if (placed.length === gang.members.length) {
				this.pending.shift();
				if (gang.timer >= 0) this.host.cancel(gang.timer);
				gang.timer = -1;
				gang.launched = true;
				this.running.add(gang);
				this.stats.gangLaunches++;
				continue;
			}
			// All or nothing: take the partial placement back.
			gang.fitted = placed.length;
			for (let k = placed.length - 1; k >= 0; k--) round.undo(placed[k]!);
			if (this.host.policy.acceptPartialGang) this.#holdFor(gang, round);
			return; // FIFO: later gangs wait behind the head
		}
	}

	/** Keeps every offer that could take a member, until the gang's timeout. */
	#holdFor(gang: GangJob, round: Round): void {
		const until = this.#holdUntil(gang);
		const need = gang.members[0]!.need;
		for (const po of round.offers) if (round.fits(this, po, need)) round.keep(po, this, until);
	}

	#holdUntil(gang: GangJob): number {
		return this.cfg.gangTimeoutMs === null
			? Number.POSITIVE_INFINITY
			: gang.pendingSince + this.cfg.gangTimeoutMs;
	}

	/** "gang rank-0 (24 × 1 cpus, 1024 MB mem)", with the attempt when it is a retry. */
	#gangText(gang: GangJob): string {
		const retry = gang.attempt > 0 ? `, attempt ${gang.attempt + 1}` : "";
		return `gang ${this.name}-${gang.no} (${gang.members.length} × ${needText(gang.members[0]!.need)}${retry})`;
	}

	/** The head gang does not fit: a member does not fit this offer, or the whole gang not the offers at hand. */
	override explainUnused(po: PoolOffer, now: number): Why | null {
		const gang = this.pending[0];
		if (gang === undefined) return null;
		const member = this.whyNotPlaced(po, now, gang.members.slice(0, 1));
		if (member !== null)
			return { reason: member.reason, detail: `${this.#gangText(gang)}: ${member.detail}` };
		return {
			reason: "DOES_NOT_FIT",
			detail:
				`${this.#gangText(gang)} launches all or nothing: ${gang.fitted} of ${gang.members.length} fit ` +
				"in the offers at hand (acceptPartialGang is off: no offer is kept for it)",
		};
	}

	override describeKeep(_po: PoolOffer, now: number): string {
		const gang = this.pending[0];
		if (gang === undefined) return `kept by group ${this.name}`;
		return (
			`${this.#gangText(gang)}: ${gang.fitted} of ${gang.members.length} fit in the offers held so far; ` +
			`kept until ${untilText(this.#holdUntil(gang), now)} (gangTimeout)`
		);
	}

	override onLaunched(task: LiveTask): void {
		(task.req.data as GangJob).live.add(task);
	}

	override onUnlaunched(task: LiveTask): void {
		(task.req.data as GangJob).live.delete(task);
	}

	override onEnded(task: LiveTask, state: TaskState, _status?: TaskStatus): void {
		const gang = task.req.data as GangJob;
		gang.live.delete(task);
		if (state !== "TASK_FINISHED" && !gang.failed) {
			gang.failed = true;
			this.stats.gangFailures++;
			for (const other of gang.live) this.host.kill(other);
		}
		if (gang.live.size > 0) return;
		this.running.delete(gang);
		if (gang.failed) this.#retry(gang);
	}
}

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "gang";

export const meta: PatternMeta = {
	description:
		"Jobs of gangSize tasks, all or nothing: a partial gang never launches; acceptPartialGang holds offers for it (hoarding).",
	stresses: "partial-gang deadlock, hoarding, head-of-line blocking",
	fields: ["instances", "count", "gangSize", "gangTimeout", "arrivals", "maxJobs"],
	defaultInstances: 1,
	requires: [{ field: "gangSize" }],
	defaults: {
		gangSize: 4,
		resources: { cpus: 1, mem: 1024 },
		lifecycle: { runFor: { kind: "lognormal", median: 600, sigma: 0.5 } },
	},
	create: (cfg, host) => new Gang(cfg, host),
};
