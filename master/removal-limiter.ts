/**
 * RemovalLimiter — Mesos's --agent_removal_rate_limit ("N/DURATION"): agents
 * that failed their health checks are marked unreachable at most N per
 * DURATION. It is libprocess's RateLimiter (3rdparty/libprocess/include/
 * process/limiter.hpp) as the master's SlaveObserver uses it
 * (src/master/master.cpp, SlaveObserver::markUnreachable):
 *  - one permit every DURATION / N; the first acquire after a quiet spell is
 *    granted at once, later ones wait in arrival order;
 *  - a waiter whose agent answered meanwhile is cancelled (the future is
 *    discarded): it is skipped when its turn comes and uses no permit, so the
 *    next waiter gets that permit.
 *
 * Layout: waiters as two parallel queues (agent index, link generation) with
 * a head index; one engine timer at a time, for the head's turn.
 * Invariants: a timer is armed iff the queue is not empty; `#nextPermitAt` is
 * the earliest time the next permit may be granted.
 * Complexity: O(1) amortised per acquire and per grant.
 */

/** What the limiter needs from the master. */
export interface RemovalLimiterHost {
	now(): number;
	/** At `time` the master calls permitDue(). */
	armPermit(time: number): void;
	/** Whether this waiter still stands (the agent did not answer since it was queued). */
	stillDue(agent: number, linkGeneration: number): boolean;
	/** The permit is granted: mark the agent unreachable. */
	grant(agent: number): void;
	/** The waiter was cancelled when its turn came (Mesos's slave_unreachable_canceled). */
	cancelled(agent: number): void;
}

export interface RemovalRate {
	permits: number;
	perMs: number;
}

export class RemovalLimiter {
	readonly #host: RemovalLimiterHost;
	/** Milliseconds between two permits (may be fractional; the timer rounds up). */
	readonly #intervalMs: number;
	#agents: number[] = [];
	#generations: number[] = [];
	#head = 0;
	#nextPermitAt = Number.NEGATIVE_INFINITY;

	constructor(rate: RemovalRate, host: RemovalLimiterHost) {
		this.#host = host;
		this.#intervalMs = rate.perMs / rate.permits;
	}

	/** Waiters not yet granted or skipped. */
	get waiting(): number {
		return this.#agents.length - this.#head;
	}

	/** The agent failed its health checks: grant now if a permit is free, else queue it. */
	acquire(agent: number, linkGeneration: number): void {
		const now = this.#host.now();
		if (this.waiting === 0 && now >= this.#nextPermitAt) {
			this.#nextPermitAt = now + this.#intervalMs;
			this.#host.grant(agent);
			return;
		}
		this.#agents.push(agent);
		this.#generations.push(linkGeneration);
		if (this.waiting === 1) this.#host.armPermit(Math.ceil(this.#nextPermitAt));
	}

	/** The head's turn: skip cancelled waiters, grant the first that still stands. */
	permitDue(): void {
		const host = this.#host;
		while (this.waiting > 0) {
			const agent = this.#agents[this.#head]!;
			const generation = this.#generations[this.#head]!;
			this.#head++;
			if (host.stillDue(agent, generation)) {
				this.#nextPermitAt = host.now() + this.#intervalMs;
				host.grant(agent);
				break;
			}
			host.cancelled(agent);
		}
		if (this.waiting > 0) host.armPermit(Math.ceil(this.#nextPermitAt));
		else {
			this.#agents = [];
			this.#generations = [];
			this.#head = 0;
		}
	}
}
