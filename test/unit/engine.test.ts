import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Engine, type EventHandler } from "../../engine/index.js";

/** Records (time, kind, a, b) of every event it receives. */
class Recorder implements EventHandler {
	readonly log: { t: number; kind: number; a: number; b: number }[] = [];
	readonly engine: Engine;
	onRun: ((kind: number) => void) | null = null;

	constructor(engine: Engine) {
		this.engine = engine;
	}

	onEvent(kind: number, a: number, b: number): void {
		this.log.push({ t: this.engine.now, kind, a, b });
		this.onRun?.(kind);
	}

	kinds(): number[] {
		return this.log.map((e) => e.kind);
	}
}

function setup() {
	const e = new Engine();
	return { e, r: new Recorder(e) };
}

describe("Engine clock", () => {
	it("starts at 0 and runs events at their integer times", () => {
		const { e, r } = setup();
		expect(e.now).toBe(0);
		e.at(30, r, 3, 7, 8);
		e.after(10, r, 1);
		e.at(20, r, 2);
		e.runUntil(100);
		expect(r.log).toEqual([
			{ t: 10, kind: 1, a: 0, b: 0 },
			{ t: 20, kind: 2, a: 0, b: 0 },
			{ t: 30, kind: 3, a: 7, b: 8 },
		]);
		expect(e.now).toBe(100);
		expect(e.eventsRun).toBe(3);
	});

	it("rounds fractional times and delays to whole milliseconds", () => {
		const { e, r } = setup();
		e.after(1.4, r, 1);
		e.after(1.6, r, 2);
		e.at(2.5, r, 3);
		e.at(4.49, r, 4);
		e.runUntil(10);
		expect(r.log.map((x) => [x.kind, x.t])).toEqual([
			[1, 1],
			[2, 2],
			[3, 3],
			[4, 4],
		]);
		for (const x of r.log) expect(Number.isInteger(x.t)).toBe(true);
	});

	it("never goes backwards: a time in the past or a negative delay runs now", () => {
		const { e, r } = setup();
		e.runUntil(1000);
		expect(e.now).toBe(1000);
		e.at(10, r, 1);
		e.after(-50, r, 2);
		e.at(999.7, r, 3);
		e.at(Number.NEGATIVE_INFINITY, r, 4);
		expect(e.nextTime()).toBe(1000);
		e.runUntil(1000);
		expect(r.log.map((x) => [x.kind, x.t])).toEqual([
			[1, 1000],
			[2, 1000],
			[3, 1000],
			[4, 1000],
		]);
		// runUntil with a target in the past neither runs later events nor rewinds.
		e.at(1500, r, 5);
		e.runUntil(200);
		expect(e.now).toBe(1000);
		expect(r.log).toHaveLength(4);
	});

	it("runs events with equal times first-in, first-out, including ones scheduled while running", () => {
		const { e, r } = setup();
		r.onRun = (k) => {
			if (k === 1) e.after(0, r, 10);
			if (k === 2) e.at(5, r, 11);
		};
		for (let k = 1; k <= 5; k++) e.at(5, r, k);
		e.runUntil(5);
		expect(r.kinds()).toEqual([1, 2, 3, 4, 5, 10, 11]);
		expect(e.now).toBe(5);
	});

	it("moves the clock to the target when the queue empties earlier", () => {
		const { e, r } = setup();
		e.at(7, r, 1);
		e.runUntil(50);
		expect(e.now).toBe(50);
		e.runUntil(60);
		expect(e.now).toBe(60);
		expect(e.nextTime()).toBe(Number.POSITIVE_INFINITY);
		expect(e.step()).toBe(false);
	});

	it("after runUntil(t) every event at or before the clock has run (fractional targets)", () => {
		const { e, r } = setup();
		e.at(11, r, 1);
		e.runUntil(10.6);
		expect(e.nextTime()).toBeGreaterThan(e.now);
		expect(e.now).toBeLessThanOrEqual(10.6);
		e.runUntil(11);
		expect(r.log).toEqual([{ t: 11, kind: 1, a: 0, b: 0 }]);
	});

	it("step runs one event and moves the clock to its time", () => {
		const { e, r } = setup();
		e.at(4, r, 1);
		e.at(9, r, 2);
		expect(e.step()).toBe(true);
		expect(e.now).toBe(4);
		expect(r.kinds()).toEqual([1]);
		expect(e.step()).toBe(true);
		expect(e.now).toBe(9);
		expect(e.step()).toBe(false);
		expect(e.now).toBe(9);
	});
});

describe("Engine cancel", () => {
	it("cancel before run returns true and the event never runs", () => {
		const { e, r } = setup();
		const h = e.at(10, r, 1);
		expect(e.isPending(h)).toBe(true);
		expect(e.cancel(h)).toBe(true);
		expect(e.isPending(h)).toBe(false);
		e.runUntil(20);
		expect(r.log).toEqual([]);
		expect(e.eventsRun).toBe(0);
	});

	it("cancel after run returns false, and cancelling twice returns false", () => {
		const { e, r } = setup();
		const ran = e.at(1, r, 1);
		const twice = e.at(2, r, 2);
		e.runUntil(1);
		expect(e.isPending(ran)).toBe(false);
		expect(e.cancel(ran)).toBe(false);
		expect(e.cancel(twice)).toBe(true);
		expect(e.cancel(twice)).toBe(false);
		expect(e.cancel(-1)).toBe(false);
		expect(e.isPending(-1)).toBe(false);
		e.runUntil(5);
		expect(r.kinds()).toEqual([1]);
	});

	it("an event cancelling itself while it runs gets false; cancelling a later one gets true", () => {
		const { e, r } = setup();
		let self = -1;
		let later = -1;
		const results: boolean[] = [];
		r.onRun = (k) => {
			if (k === 1) results.push(e.cancel(self), e.cancel(later));
		};
		self = e.at(1, r, 1);
		later = e.at(1, r, 2);
		e.runUntil(3);
		expect(results).toEqual([false, true]);
		expect(r.kinds()).toEqual([1]);
	});

	it("a cancelled slot reused by a new event is neither skipped nor run twice", () => {
		const { e, r } = setup();
		// Cancel, let the stale entry surface (the slot is freed), then reuse the slot.
		const a = e.at(5, r, 1);
		e.at(100, r, 99);
		expect(e.cancel(a)).toBe(true);
		e.runUntil(6);
		const b = e.at(10, r, 2);
		const c = e.at(10, r, 3);
		// The old handle must not reach the new occupant of its slot.
		expect(e.cancel(a)).toBe(false);
		expect(e.isPending(a)).toBe(false);
		expect(e.isPending(b)).toBe(true);
		e.runUntil(200);
		expect(r.kinds()).toEqual([2, 3, 99]);
		expect(e.cancel(b)).toBe(false);
		expect(e.cancel(c)).toBe(false);
	});

	it("a new event scheduled while a cancelled entry is still queued runs at its own time, once", () => {
		const { e, r } = setup();
		const a = e.at(5, r, 1);
		expect(e.cancel(a)).toBe(true);
		// If the cancelled slot were reused now, the stale entry at t=5 would run it early.
		const b = e.at(10, r, 2);
		e.at(7, r, 3);
		expect(e.nextTime()).toBe(7);
		e.runUntil(20);
		expect(r.log.map((x) => [x.kind, x.t])).toEqual([
			[3, 7],
			[2, 10],
		]);
		expect(e.isPending(b)).toBe(false);
		expect(e.eventsRun).toBe(2);
	});

	it("cancel and reschedule at the same time in a loop keeps exactly one live event", () => {
		const { e, r } = setup();
		let h = e.at(50, r, 0);
		for (let i = 1; i <= 100; i++) {
			expect(e.cancel(h)).toBe(true);
			h = e.at(50, r, i);
			if (i % 10 === 0) e.runUntil(e.now + 1);
		}
		e.runUntil(100);
		expect(r.kinds()).toEqual([100]);
	});

	it("a slot freed by a run and reused from inside the handler runs once", () => {
		const { e, r } = setup();
		const handles: number[] = [];
		r.onRun = (k) => {
			if (k < 5) handles.push(e.after(1, r, k + 1));
		};
		handles.push(e.at(1, r, 1));
		e.runUntil(100);
		expect(r.log.map((x) => [x.kind, x.t])).toEqual([
			[1, 1],
			[2, 2],
			[3, 3],
			[4, 4],
			[5, 5],
		]);
		for (const h of handles) expect(e.cancel(h)).toBe(false);
	});

	it("cancelled closures do not run and do not leak into the slot's next user", () => {
		const e = new Engine();
		const ran: string[] = [];
		const h = e.timeout(5, () => ran.push("cancelled"));
		e.cancel(h);
		e.runUntil(10);
		e.timeout(1, () => ran.push("new"));
		const r = new Recorder(e);
		e.after(1, r, 7);
		e.runUntil(20);
		expect(ran).toEqual(["new"]);
		expect(r.kinds()).toEqual([7]);
	});
});

describe("Engine control", () => {
	it("stop() inside an event makes runUntil return after it, leaving the clock there", () => {
		const { e, r } = setup();
		r.onRun = (k) => {
			if (k === 2) e.stop();
		};
		for (let k = 1; k <= 4; k++) e.at(k * 10, r, k);
		e.runUntil(100);
		expect(r.kinds()).toEqual([1, 2]);
		expect(e.now).toBe(20);
		// The next runUntil carries on.
		e.runUntil(100);
		expect(r.kinds()).toEqual([1, 2, 3, 4]);
		expect(e.now).toBe(100);
	});

	it("calls afterEvent once per event that runs", () => {
		const { e, r } = setup();
		let calls = 0;
		let seenNow = -1;
		e.afterEvent = () => {
			calls++;
			seenNow = e.now;
		};
		for (let i = 0; i < 10; i++) e.at(i, r, i);
		e.cancel(e.at(3, r, 42));
		e.timeout(20, () => {});
		e.runUntil(100);
		expect(calls).toBe(11);
		expect(e.eventsRun).toBe(11);
		expect(seenNow).toBe(20);
	});

	it("timeout runs a closure after the delay, and can be cancelled", () => {
		const e = new Engine();
		const ran: [string, number][] = [];
		e.timeout(5, () => ran.push(["a", e.now]));
		const b = e.timeout(6, () => ran.push(["b", e.now]));
		e.timeout(2.6, () => {
			ran.push(["c", e.now]);
			e.timeout(0, () => ran.push(["d", e.now]));
		});
		expect(e.isPending(b)).toBe(true);
		expect(e.cancel(b)).toBe(true);
		e.runUntil(10);
		expect(ran).toEqual([
			["c", 3],
			["d", 3],
			["a", 5],
		]);
	});

	it("nextTime skips cancelled events", () => {
		const { e, r } = setup();
		const a = e.at(3, r, 1);
		e.at(8, r, 2);
		expect(e.nextTime()).toBe(3);
		e.cancel(a);
		expect(e.nextTime()).toBe(8);
	});
});

type Op =
	| { op: "at"; time: number; frac: number }
	| { op: "after"; delay: number }
	| { op: "cancel"; pick: number }
	| { op: "run"; by: number }
	| { op: "step" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.record({
			op: fc.constant("at" as const),
			time: fc.integer({ min: -20, max: 200 }),
			frac: fc.constantFrom(0, 0.25, 0.5, 0.75),
		}),
	},
	{
		weight: 3,
		arbitrary: fc.record({ op: fc.constant("after" as const), delay: fc.integer({ min: -5, max: 60 }) }),
	},
	{ weight: 3, arbitrary: fc.record({ op: fc.constant("cancel" as const), pick: fc.nat() }) },
	{
		weight: 2,
		arbitrary: fc.record({ op: fc.constant("run" as const), by: fc.integer({ min: 0, max: 40 }) }),
	},
	{ weight: 1, arbitrary: fc.record({ op: fc.constant("step" as const) }) },
);

interface ModelEvent {
	id: number;
	time: number;
	seq: number;
	state: "pending" | "ran" | "cancelled";
}

describe("Engine against a reference model", () => {
	test.prop([fc.array(opArb, { maxLength: 200 })], { numRuns: 200 })(
		"random schedule/cancel/run operations match a sorted-array model",
		(ops) => {
			const e = new Engine();
			const ran: { id: number; t: number }[] = [];
			const handler: EventHandler = {
				onEvent: (_kind, a) => {
					ran.push({ id: a, t: e.now });
				},
			};
			const model: ModelEvent[] = [];
			const handles: number[] = [];
			const expected: { id: number; t: number }[] = [];
			let now = 0;
			let seq = 0;

			const schedule = (time: number): void => {
				const t = time < now ? now : Math.round(time);
				const id = model.length;
				model.push({ id, time: t, seq: seq++, state: "pending" });
				handles.push(e.at(time, handler, 0, id));
			};
			const nextModel = (): ModelEvent | undefined => {
				let best: ModelEvent | undefined;
				for (const m of model) {
					if (m.state !== "pending") continue;
					if (best === undefined || m.time < best.time || (m.time === best.time && m.seq < best.seq))
						best = m;
				}
				return best;
			};
			const runModel = (m: ModelEvent): void => {
				m.state = "ran";
				now = m.time;
				expected.push({ id: m.id, t: m.time });
			};

			for (const o of ops) {
				switch (o.op) {
					case "at":
						schedule(o.time + o.frac);
						break;
					case "after":
						schedule(now + Math.max(o.delay, 0));
						break;
					case "cancel": {
						if (model.length === 0) break;
						const m = model[o.pick % model.length]!;
						const want = m.state === "pending";
						expect(e.isPending(handles[m.id]!)).toBe(want);
						expect(e.cancel(handles[m.id]!)).toBe(want);
						if (want) m.state = "cancelled";
						break;
					}
					case "run": {
						const target = now + o.by;
						for (let m = nextModel(); m !== undefined && m.time <= target; m = nextModel()) runModel(m);
						now = target;
						e.runUntil(target);
						break;
					}
					case "step": {
						const m = nextModel();
						expect(e.step()).toBe(m !== undefined);
						if (m !== undefined) runModel(m);
						break;
					}
				}
				expect(ran).toEqual(expected);
				expect(e.now).toBe(now);
				expect(e.nextTime()).toBe(nextModel()?.time ?? Number.POSITIVE_INFINITY);
			}
			// Drain: every pending event runs exactly once, cancelled ones never.
			e.runUntil(Number.POSITIVE_INFINITY);
			for (let m = nextModel(); m !== undefined; m = nextModel()) runModel(m);
			expect(ran).toEqual(expected);
			const ids = ran.map((x) => x.id);
			expect(new Set(ids).size).toBe(ids.length);
			for (const m of model) expect(e.isPending(handles[m.id]!)).toBe(false);
		},
	);
});

describe("Engine origin and queue size (found by mutation testing)", () => {
	it("starts the clock at originMs, and refuses an origin that is not a whole number of ms >= 0", () => {
		const e = new Engine({ originMs: 1_700_000_000_000 });
		const r = new Recorder(e);
		expect(e.now).toBe(1_700_000_000_000);
		expect(e.originMs).toBe(1_700_000_000_000);
		e.after(250, r, 1);
		e.runUntil(e.originMs + 1000);
		expect(r.log).toEqual([{ t: 1_700_000_000_250, kind: 1, a: 0, b: 0 }]);
		expect(new Engine({ originMs: 0 }).now).toBe(0);
		for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(() => new Engine({ originMs: bad })).toThrow(/originMs must be a whole number of ms >= 0/);
		}
	});

	it("pending counts queued events; a cancelled one is gone once the queue is looked at", () => {
		const { e, r } = setup();
		expect(e.pending).toBe(0);
		const a = e.at(5, r, 1);
		e.at(6, r, 2);
		expect(e.pending).toBe(2);
		e.cancel(a);
		expect(e.nextTime()).toBe(6);
		expect(e.pending).toBe(1);
		e.runUntil(10);
		expect(e.pending).toBe(0);
	});

	it("the first handle (0) can be cancelled and asked about", () => {
		const { e, r } = setup();
		const first = e.at(5, r, 1);
		expect(first).toBe(0);
		expect(e.isPending(first)).toBe(true);
		expect(e.cancel(first)).toBe(true);
		e.runUntil(10);
		expect(r.log).toEqual([]);
	});

	it("a NaN delay runs now, like a negative one", () => {
		const { e, r } = setup();
		e.runUntil(40);
		e.after(Number.NaN, r, 1);
		let closureAt = -1;
		e.timeout(Number.NaN, () => {
			closureAt = e.now;
		});
		e.runUntil(40);
		expect(r.log).toEqual([{ t: 40, kind: 1, a: 0, b: 0 }]);
		expect(closureAt).toBe(40);
	});

	it("runUntil(Infinity) runs everything and leaves the clock at the last event", () => {
		const { e, r } = setup();
		e.at(3, r, 1);
		e.at(8, r, 2);
		e.runUntil(Number.POSITIVE_INFINITY);
		expect(r.kinds()).toEqual([1, 2]);
		expect(e.now).toBe(8);
	});
});
