/**
 * RemovalLimiter (--agent_removal_rate_limit) on its own, against a fake
 * master: permits spaced by DURATION / N, the first after a quiet spell at
 * once, waiters in arrival order, cancelled waiters skipped without using a
 * permit, one timer at a time.
 */
import { describe, expect, it } from "vitest";
import { RemovalLimiter, type RemovalLimiterHost } from "../../master/removal-limiter.js";

function fakeMaster() {
	const log: string[] = [];
	const answered = new Set<number>();
	let now = 0;
	const host: RemovalLimiterHost = {
		now: () => now,
		armPermit: (t) => log.push(`arm ${t}`),
		// A waiter stands while its agent has not answered since (the generation it was queued with).
		stillDue: (agent, generation) => !answered.has(agent) && generation === agent * 10,
		grant: (agent) => log.push(`grant ${agent} at ${now}`),
		cancelled: (agent) => log.push(`cancel ${agent} at ${now}`),
	};
	return {
		host,
		log,
		answered,
		at: (t: number) => {
			now = t;
		},
	};
}

describe("RemovalLimiter", () => {
	it("one permit per second: the first at once, the next ones in turn, a cancelled waiter skipped", () => {
		const m = fakeMaster();
		const limiter = new RemovalLimiter({ permits: 1, perMs: 1_000 }, m.host);
		limiter.acquire(1, 10);
		limiter.acquire(2, 20);
		m.at(500);
		limiter.acquire(3, 30);
		limiter.acquire(4, 40);
		expect(limiter.waiting).toBe(3);
		// One timer for the head's turn, not one per waiter.
		expect(m.log).toEqual(["grant 1 at 0", "arm 1000"]);
		m.at(1_000);
		m.answered.add(3);
		limiter.permitDue();
		m.at(2_000);
		limiter.permitDue();
		expect(limiter.waiting).toBe(0);
		expect(m.log.slice(2)).toEqual(["grant 2 at 1000", "arm 2000", "cancel 3 at 2000", "grant 4 at 2000"]);
		// The queue is empty: no timer. The next permit is due at 3000, not before.
		m.at(2_500);
		limiter.acquire(5, 50);
		expect(m.log.slice(6)).toEqual(["arm 3000"]);
		m.at(3_000);
		limiter.permitDue();
		expect(m.log.slice(7)).toEqual(["grant 5 at 3000"]);
		// After a quiet spell, at once again — also exactly when the next permit is due.
		m.at(4_000);
		limiter.acquire(6, 60);
		expect(m.log.slice(8)).toEqual(["grant 6 at 4000"]);
		expect(limiter.waiting).toBe(0);
	});

	it("a queue of only cancelled waiters grants nothing and leaves no timer", () => {
		const m = fakeMaster();
		const limiter = new RemovalLimiter({ permits: 1, perMs: 1_000 }, m.host);
		limiter.acquire(1, 10);
		limiter.acquire(2, 20);
		limiter.acquire(3, 30);
		m.answered.add(2);
		m.answered.add(3);
		m.at(1_000);
		limiter.permitDue();
		expect(m.log).toEqual(["grant 1 at 0", "arm 1000", "cancel 2 at 1000", "cancel 3 at 1000"]);
		expect(limiter.waiting).toBe(0);
		// No permit was used at 1000: the next agent is granted at once.
		limiter.acquire(4, 40);
		expect(m.log.at(-1)).toBe("grant 4 at 1000");
	});

	it("a fractional interval: timers at whole milliseconds, rounded up", () => {
		const m = fakeMaster();
		const limiter = new RemovalLimiter({ permits: 3, perMs: 1_000 }, m.host);
		limiter.acquire(1, 10);
		limiter.acquire(2, 20);
		limiter.acquire(3, 30);
		m.at(334);
		limiter.permitDue();
		m.at(668);
		limiter.permitDue();
		expect(m.log).toEqual(["grant 1 at 0", "arm 334", "grant 2 at 334", "arm 668", "grant 3 at 668"]);
	});

	it("an agent failing when the next permit is due, before the timer fires, waits behind the queue", () => {
		const m = fakeMaster();
		const limiter = new RemovalLimiter({ permits: 1, perMs: 1_000 }, m.host);
		limiter.acquire(1, 10);
		limiter.acquire(2, 20);
		m.at(1_000);
		limiter.acquire(3, 30);
		limiter.permitDue();
		m.at(2_000);
		limiter.permitDue();
		expect(m.log).toEqual(["grant 1 at 0", "arm 1000", "grant 2 at 1000", "arm 2000", "grant 3 at 2000"]);
	});

	it("after the queue empties, new waiters are matched with their own generation", () => {
		const m = fakeMaster();
		const limiter = new RemovalLimiter({ permits: 1, perMs: 1_000 }, m.host);
		limiter.acquire(1, 10);
		limiter.acquire(2, 20);
		m.at(1_000);
		limiter.permitDue();
		m.at(1_500);
		limiter.acquire(3, 30);
		m.at(2_000);
		limiter.permitDue();
		expect(m.log).toEqual(["grant 1 at 0", "arm 1000", "grant 2 at 1000", "arm 2000", "grant 3 at 2000"]);
	});
});
