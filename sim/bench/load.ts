/**
 * HTTP load benchmark (`mesosim bench load`): N remote frameworks on loopback
 * against a live master, each a SchedulerDriver over its own HttpTransport
 * (a SUBSCRIBE stream plus a keep-alive connection for calls), for a fixed
 * wall time.
 *
 * The master runs in a child process (this file, started with --serve-child:
 * startLive, the code behind `mesosim serve`, with --expose-gc), so its event
 * loop and its memory are its own; the frameworks run in this process.
 *
 * Each framework, on every OFFERS event, launches `--accept` tasks (cpus 0.1,
 * mem 32, `sleep 5`) on as many offers and declines the rest with a 1 s
 * filter, so the agents come back every allocation cycle; the driver ACKs
 * every update. Measured:
 * - calls/s and call latency (send() to the answer, queueing on the
 *   framework's call connection included): p50, p99, max;
 * - event lag: arrival wall time minus the master's wall time for the UPDATE's
 *   simulated timestamp (the child reports where simulated time 0 is on the
 *   wall clock; speed 1), which includes the live driver's 10 ms tick;
 * - the master's memory (after a forced GC): idle before, at one third of the
 *   run, at the end (growth = end - third), and after every framework tore down;
 *   its CPU use over the run. The forced GC of the sample taken during the
 *   measurement runs between offer cycles (once no call arrived for 50 ms), so
 *   it stalls no call: a full GC inside a cycle's burst holds up that whole
 *   cycle, ~1.7 % of a 60 s run's calls, enough to set the p99 by itself.
 */
import { type ChildProcess, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import WebSocket from "ws";
import { simError } from "../../common/errors.js";
import { RngStreams } from "../../engine/index.js";
import type { FrameworkContext, Scheduler } from "../../frameworks/sdk/scheduler.js";
import type { Call, Event, Offer, TaskInfo } from "../../master/protocol/index.js";
import type { CliContext } from "../cli/context.js";
import { parseDurationFlag, parseSeedFlag } from "../cli/flags.js";
import { WallClockEngine } from "../remote/clock.js";
import { RemoteFramework, waitFor } from "../remote/framework.js";
import { applyLiveV8Flags } from "../runner/gc.js";
import type { LiveExtension } from "../runner/live.js";

export interface LoadOptions {
	frameworks: number;
	agents: number;
	/** Wall ms of measurement (after every framework subscribed). */
	durationMs: number;
	/** Offers accepted (one task each) per OFFERS event. */
	accept: number;
	/** Task command. */
	command: string;
	seed: number;
	/** The master's max_completed_tasks_per_framework (Mesos's default 1000): history it keeps. */
	completedTasks: number;
	/** Dashboards connected to the master's live feed while measuring (0: none). */
	dashboards: number;
	/**
	 * A module the master's process imports for a `liveDashboard` LiveExtension
	 * (the dashboard, as `mesosim serve` registers it). The cli passes it: sim/
	 * sits below web/ and does not import it itself. Absent: no dashboard.
	 */
	dashboardModule?: string;
	/** The feed's WebSocket path (the dashboard's FEED_PATH), for the viewers. */
	dashboardFeedPath?: string;
	/** Progress lines (stderr). */
	log?: (line: string) => void;
}

export interface MemorySample {
	rssMb: number;
	heapUsedMb: number;
	atS: number;
}

export interface LoadResult {
	frameworks: number;
	agents: number;
	completedTasksPerFramework: number;
	durationS: number;
	calls: number;
	callsPerSecond: number;
	callsByType: Record<string, number>;
	callErrors: number;
	latencyMs: { p50: number; p90: number; p99: number; max: number };
	/** Of the latency: time a call waited behind the same framework's earlier calls. */
	queuedMs: { p50: number; p99: number };
	events: number;
	eventsPerSecond: number;
	offers: number;
	tasksLaunched: number;
	tasksFinished: number;
	updates: number;
	eventLagMs: { samples: number; p50: number; p99: number; max: number };
	subscribeMs: number;
	resubscriptions: number;
	server: {
		before: MemorySample;
		third: MemorySample;
		end: MemorySample;
		afterTeardown: MemorySample;
		/** heapUsed end - third (MB): growth during the steady state. */
		heapGrowthMb: number;
		cpuPercent: number;
		/** The master's event-loop delay during the measurement (GC sample included). */
		eventLoopDelayMs: { p50: number; p99: number; max: number };
		/** Master-side time per scheduler call: request received to response finished. */
		callHandlingMs: { count: number; p50: number; p99: number; max: number };
		/** Engine events over 10 ms (allocation cycles): they hold the event loop. */
		slowSteps: { count: number; totalMs: number; maxMs: number };
		/** Idle-time scavenges the master ran between bursts (sim/runner/gc.ts), over the whole run. */
		idleScavenges: number;
	};
	/** The frameworks' process (all N frameworks share one event loop). */
	client: { cpuPercent: number; eventLoopDelayMs: { p50: number; p99: number; max: number } };
	/** Dashboards on the live feed while measuring, and what each one received. */
	dashboards: { connected: number; bytesPerSecondEach: number };
	/** Calls left out because they overlapped the forced GC of the middle memory sample. */
	excludedAroundGc: number;
	machine: { cpu: string; cores: number; node: string };
	date: string;
}

export const LOAD_DEFAULTS: Omit<LoadOptions, "log"> = {
	frameworks: 100,
	agents: 1000,
	durationMs: 60_000,
	accept: 1,
	command: "sleep 5",
	seed: 1,
	completedTasks: 1000,
	dashboards: 0,
};

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return 0;
	const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[k]!;
}

/** A growable float array (latencies without an object per sample). */
class Samples {
	#a = new Float64Array(1 << 16);
	#n = 0;
	push(x: number): void {
		if (this.#n === this.#a.length) {
			const b = new Float64Array(this.#a.length * 2);
			b.set(this.#a);
			this.#a = b;
		}
		this.#a[this.#n++] = x;
	}
	get length(): number {
		return this.#n;
	}
	sorted(): Float64Array {
		return this.#a.slice(0, this.#n).sort();
	}
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The load framework: accept `accept` offers per OFFERS event (one small task each), decline the rest. */
function loadScheduler(name: string, accept: number, command: string, counters: Counters): Scheduler {
	let n = 0;
	return {
		onEvent(event: Event, ctx: FrameworkContext): void {
			if (event.type !== "OFFERS") return;
			const offers = event.offers.offers;
			counters.offers += offers.length;
			const take = Math.min(accept, offers.length);
			for (let i = 0; i < take; i++) {
				const o = offers[i]!;
				ctx.launch([o.id.value], [task(o, `${name}-${n++}`, command)], 1);
				counters.launched++;
			}
			if (offers.length > take)
				ctx.decline(
					offers.slice(take).map((o) => o.id.value),
					1,
				);
		},
	};
}

function task(o: Offer, id: string, command: string): TaskInfo {
	const role = o.allocation_info?.role;
	const alloc = role === undefined ? {} : { allocation_info: { role } };
	return {
		name: id,
		task_id: { value: id },
		agent_id: o.agent_id,
		resources: [
			{ name: "cpus", type: "SCALAR", scalar: { value: 0.1 }, ...alloc },
			{ name: "mem", type: "SCALAR", scalar: { value: 32 }, ...alloc },
		],
		command: { value: command, shell: true },
	};
}

interface Counters {
	offers: number;
	launched: number;
}

// ---- the master child process ----------------------------------------------------

type ToChild = { type: "mem"; gc: boolean } | { type: "loop-reset" } | { type: "stop" };
type FromChild =
	| { type: "ready"; url: string; epochMs: number }
	| {
			type: "mem";
			rss: number;
			heapUsed: number;
			cpuUs: number;
			frameworks: number;
			/** Event-loop delay since the last loop-reset (ms). */
			loop: { p50: number; p99: number; max: number };
			/** Scheduler calls since the last loop-reset: request received to response finished (ms). */
			handling: { count: number; p50: number; p99: number; max: number };
			/** Engine events (allocation cycles, agent work) that took over 10 ms, since the last loop-reset. */
			slowSteps: { count: number; totalMs: number; maxMs: number };
			/** The forced GC, as wall-clock epoch ms [from, to] (null: none). */
			gcAt: [number, number] | null;
			idleScavenges: number;
	  }
	| { type: "error"; message: string };

/** No scheduler call for this long (wall ms): the offer cycle's burst is over. */
const QUIET_MS = 50;
/** The longest a memory sample waits for a quiet moment before it forces the GC anyway. */
const QUIET_WAIT_MS = 2000;

async function serveChild(
	agents: number,
	seed: number,
	completedTasks: number,
	dashboardModule: string | undefined,
): Promise<void> {
	const { startLive } = await import("../runner/live.js");
	const { agentsScenario } = await import("../cli/commands/serve.js");
	const send = (m: FromChild) => process.send?.(m);
	try {
		const base = agentsScenario(agents, seed);
		const scenario = { ...base, master: { ...base.master, maxCompletedTasksPerFramework: completedTasks } };
		const extensions: LiveExtension[] = [];
		if (dashboardModule !== undefined)
			extensions.push(((await import(dashboardModule)) as { liveDashboard: LiveExtension }).liveDashboard);
		const server = await startLive({ scenario, host: "127.0.0.1", port: 0, speed: 1, extensions });
		const gc = (globalThis as { gc?: () => void }).gc;
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		let handling = new Samples();
		let slow = { count: 0, totalMs: 0, maxMs: 0 };
		const engine = server.sim.engine;
		const step = engine.step.bind(engine);
		engine.step = () => {
			const a = performance.now();
			const r = step();
			const d = performance.now() - a;
			if (d > 10) {
				slow.count++;
				slow.totalMs += d;
				if (d > slow.maxMs) slow.maxMs = d;
			}
			return r;
		};
		let lastCall = 0;
		server.app.server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
			if (req.url !== "/api/v1/scheduler") return;
			const t0 = performance.now();
			lastCall = t0;
			res.on("finish", () => {
				// SUBSCRIBE responses finish when the stream ends: not a call.
				if (res.getHeader("mesos-stream-id") === undefined) handling.push(performance.now() - t0);
			});
		});
		const epochNow = () => performance.timeOrigin + performance.now();
		/**
		 * Runs `fn` once no scheduler call has arrived for QUIET_MS (the offer
		 * cycle's burst is over, the next is most of a second away), or after
		 * QUIET_WAIT_MS at most: a forced GC then stalls no call.
		 */
		const whenQuiet = (fn: () => void) => {
			const since = performance.now();
			const poll = () => {
				const now = performance.now();
				if (now - lastCall >= QUIET_MS || now - since >= QUIET_WAIT_MS) fn();
				else setTimeout(poll, 2);
			};
			poll();
		};
		const answerMem = (gcAt: [number, number] | null) => {
			const ms = (ns: number) => Math.round(ns / 1e4) / 100;
			const delay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
			const h = handling.sorted();
			const handled = {
				count: h.length,
				p50: round(percentile(h, 50)),
				p99: round(percentile(h, 99)),
				max: round(percentile(h, 100)),
			};
			const u = process.memoryUsage();
			const c = process.cpuUsage();
			send({
				type: "mem",
				rss: u.rss,
				heapUsed: u.heapUsed,
				cpuUs: c.user + c.system,
				frameworks: server.sim.master.frameworks.filter((f) => !f.removed).length,
				loop: delay,
				handling: handled,
				slowSteps: { count: slow.count, totalMs: round(slow.totalMs, 0), maxMs: round(slow.maxMs, 1) },
				gcAt,
				idleScavenges: server.scavenger.count,
			});
		};
		process.on("message", (m: ToChild) => {
			if (m.type === "mem") {
				if (!m.gc || gc === undefined) {
					answerMem(null);
					return;
				}
				whenQuiet(() => {
					const from = epochNow();
					gc();
					answerMem([from, epochNow()]);
				});
			} else if (m.type === "loop-reset") {
				loop.reset();
				handling = new Samples();
				slow = { count: 0, totalMs: 0, maxMs: 0 };
			} else if (m.type === "stop") {
				void server.close().then(() => process.exit(0));
			}
		});
		// Where simulated time 0 sits on the wall clock (speed 1).
		send({ type: "ready", url: server.url, epochMs: Date.now() - server.driver.target() });
	} catch (err) {
		send({ type: "error", message: (err as Error).message });
		process.exit(1);
	}
}

class MasterChild {
	readonly proc: ChildProcess;
	#waiters: ((m: FromChild) => void)[] = [];

	constructor(agents: number, seed: number, completedTasks: number, dashboardModule: string | undefined) {
		const args = [
			"--serve-child",
			String(agents),
			String(seed),
			String(completedTasks),
			dashboardModule ?? "",
		];
		this.proc = fork(fileURLToPath(import.meta.url), args, {
			// MESOSIM_LOAD_CPU_PROF=DIR writes a V8 CPU profile of the master process there.
			execArgv: [
				"--import",
				"tsx",
				"--expose-gc",
				...(process.env.MESOSIM_LOAD_CPU_PROF
					? ["--cpu-prof", `--cpu-prof-dir=${process.env.MESOSIM_LOAD_CPU_PROF}`]
					: []),
			],
			stdio: ["ignore", "inherit", "inherit", "ipc"],
		});
		this.proc.on("message", (m: FromChild) => {
			const w = this.#waiters.shift();
			w?.(m);
		});
	}

	next(): Promise<FromChild> {
		return new Promise((resolve, reject) => {
			const onExit = (code: number | null) => reject(new Error(`the master process exited (${code})`));
			this.proc.once("exit", onExit);
			this.#waiters.push((m) => {
				this.proc.off("exit", onExit);
				resolve(m);
			});
		});
	}

	resetLoop(): void {
		this.proc.send({ type: "loop-reset" } satisfies ToChild);
	}

	async mem(gc = true): Promise<Extract<FromChild, { type: "mem" }>> {
		const p = this.next();
		this.proc.send({ type: "mem", gc } satisfies ToChild);
		const m = await p;
		if (m.type !== "mem") throw new Error(`unexpected message ${m.type}`);
		return m;
	}

	async stop(): Promise<void> {
		if (this.proc.exitCode !== null) return;
		const exited = new Promise<void>((r) => this.proc.once("exit", () => r()));
		this.proc.send({ type: "stop" } satisfies ToChild);
		const t = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
		await exited;
		clearTimeout(t);
	}
}

// ---- the benchmark ----------------------------------------------------------------

export async function runLoadBench(o: LoadOptions): Promise<LoadResult> {
	const log = o.log ?? (() => {});
	// The frameworks' process takes the master's bursts too (100 OFFERS at once, then
	// the answers and updates): the same V8 setting keeps its own GC from adding
	// to the latency it measures (100 real frameworks would be 100 small heaps).
	applyLiveV8Flags();
	const { cpus } = await import("node:os");
	const master = new MasterChild(o.agents, o.seed, o.completedTasks, o.dashboardModule);
	const viewers: DashboardViewer[] = [];
	const frameworks: RemoteFramework[] = [];
	try {
		const ready = await master.next();
		if (ready.type !== "ready")
			throw new Error(ready.type === "error" ? ready.message : "master did not start");
		log(`master with ${o.agents} agents at ${ready.url}`);
		await new Promise((r) => setTimeout(r, 1000)); // agents registered
		type RawSample = MemorySample & { cpuUs: number; gcAt: [number, number] | null };
		const memSample = async (t0: number): Promise<RawSample> => {
			const m = await master.mem();
			return {
				rssMb: round(m.rss / 2 ** 20, 1),
				heapUsedMb: round(m.heapUsed / 2 ** 20, 1),
				atS: round((performance.now() - t0) / 1000, 1),
				cpuUs: m.cpuUs,
				gcAt: m.gcAt,
			};
		};
		const strip = ({ cpuUs: _c, gcAt: _g, ...m }: RawSample): MemorySample => m;
		const tStart = performance.now();
		const before = await memSample(tStart);

		const engine = new WallClockEngine({ unref: true });
		const streams = new RngStreams(o.seed);
		const latencies = new Samples();
		const lags = new Samples();
		const callsByType: Record<string, number> = {};
		const counters: Counters = { offers: 0, launched: 0 };
		let measuring = false;
		/** Wall window of a forced GC in the master (samples overlapping it are left out). */
		let gcFrom = Number.POSITIVE_INFINITY;
		let gcTo = Number.NEGATIVE_INFINITY;
		let excluded = 0;
		const overlapsGc = (from: number, to: number) => from <= gcTo && to >= gcFrom;
		let calls = 0;
		let callErrors = 0;
		let events = 0;
		let updates = 0;
		const waits = new Samples();
		const onCallDone = (call: Call, status: number, ms: number, queuedMs: number) => {
			if (!measuring) return;
			const now = performance.now();
			if (overlapsGc(now - ms, now)) {
				excluded++;
				return;
			}
			calls++;
			callsByType[call.type] = (callsByType[call.type] ?? 0) + 1;
			if (status < 200 || status >= 300) callErrors++;
			latencies.push(ms);
			waits.push(queuedMs);
		};
		for (let k = 0; k < o.frameworks; k++) {
			const name = `load-${String(k).padStart(3, "0")}`;
			const inner = loadScheduler(name, o.accept, o.command, counters);
			const scheduler: Scheduler = {
				onEvent(event, ctx) {
					if (measuring) {
						events++;
						if (event.type === "UPDATE") {
							updates++;
							const ts = event.update.status.timestamp;
							const lag = ts === undefined ? -1 : Date.now() - (ready.epochMs + ts * 1000);
							const now = performance.now();
							if (lag >= 0 && !overlapsGc(now - lag, now)) lags.push(lag);
						}
					}
					inner.onEvent(event, ctx);
				},
			};
			frameworks.push(
				new RemoteFramework({
					master: ready.url,
					scheduler,
					frameworkInfo: {
						user: "bench",
						name,
						roles: ["*"],
						failover_timeout: 60,
						capabilities: [{ type: "MULTI_ROLE" }],
					},
					rng: streams.stream(`framework/${name}`),
					engine,
					transport: { onCallDone },
				}),
			);
		}
		if (o.dashboards > 0 && (o.dashboardModule === undefined || o.dashboardFeedPath === undefined))
			throw new Error("--dashboards needs the dashboard module and its feed path");
		for (let k = 0; k < o.dashboards; k++)
			viewers.push(await DashboardViewer.open(ready.url, o.dashboardFeedPath ?? ""));
		if (o.dashboards > 0) log(`${o.dashboards} dashboards connected to the live feed`);
		const tSub = performance.now();
		for (const f of frameworks) f.start();
		await waitFor(
			() => frameworks.every((f) => f.driver.state === "subscribed"),
			30_000,
			`${o.frameworks} subscriptions`,
		);
		const subscribeMs = performance.now() - tSub;
		log(
			`${o.frameworks} frameworks subscribed in ${Math.round(subscribeMs)} ms; measuring for ${o.durationMs / 1000} s`,
		);
		await new Promise((r) => setTimeout(r, 3000)); // warm-up: the first launches, connections open
		const offers0 = counters.offers;
		const launched0 = counters.launched;
		const finished0 = frameworks.reduce((n, f) => n + f.driver.stats().updates.TASK_FINISHED, 0);
		const subs0 = frameworks.reduce((n, f) => n + f.driver.stats().subscriptions, 0);
		const cpu0 = (await master.mem(false)).cpuUs;
		master.resetLoop();
		const clientLoop = monitorEventLoopDelay({ resolution: 5 });
		clientLoop.enable();
		const clientCpu0 = process.cpuUsage();
		measuring = true;
		const t0 = performance.now();
		for (const v of viewers) v.bytes = 0;
		const tViewers = t0;
		let third: MemorySample | null = null;
		const thirdAt = o.durationMs / 3;
		while (performance.now() - t0 < o.durationMs) {
			// Wake every 5 s (progress), at the end, and at 1/3 for the memory sample.
			const el0 = performance.now() - t0;
			let wait = Math.min(5000, o.durationMs - el0);
			if (third === null && thirdAt > el0) wait = Math.min(wait, thirdAt - el0);
			await new Promise((r) => setTimeout(r, wait));
			const el = performance.now() - t0;
			if (third === null && el >= thirdAt) {
				// The master forces this GC between offer cycles and says when it ran.
				const sample = await memSample(tStart);
				third = strip(sample);
				if (sample.gcAt !== null) {
					gcFrom = sample.gcAt[0] - performance.timeOrigin;
					gcTo = sample.gcAt[1] - performance.timeOrigin;
				}
			}
			log(
				`  ${Math.round(el / 1000)} s: ${calls} calls (${Math.round(calls / (el / 1000))}/s), ${events} events, ${counters.launched - launched0} tasks launched`,
			);
		}
		measuring = false;
		const wallS = (performance.now() - t0) / 1000;
		const { loop, handling, slowSteps, idleScavenges } = await master.mem(false);
		clientLoop.disable();
		const cc = process.cpuUsage(clientCpu0);
		const ns = (x: number) => Math.round(x / 1e4) / 100;
		const client = {
			cpuPercent: round(((cc.user + cc.system) / 1e6 / wallS) * 100, 1),
			eventLoopDelayMs: {
				p50: ns(clientLoop.percentile(50)),
				p99: ns(clientLoop.percentile(99)),
				max: ns(clientLoop.max),
			},
		};
		const endRaw = await memSample(tStart);
		const end: MemorySample = { rssMb: endRaw.rssMb, heapUsedMb: endRaw.heapUsedMb, atS: endRaw.atS };
		const cpuPercent = round(((endRaw.cpuUs - cpu0) / 1e6 / wallS) * 100, 1);
		const finished = frameworks.reduce((n, f) => n + f.driver.stats().updates.TASK_FINISHED, 0) - finished0;
		const resubscriptions = frameworks.reduce((n, f) => n + f.driver.stats().subscriptions, 0) - subs0;

		await Promise.all(frameworks.map((f) => f.stop({ teardown: true })));
		frameworks.length = 0;
		await new Promise((r) => setTimeout(r, 2000));
		const after = await memSample(tStart);
		const lat = latencies.sorted();
		const wait = waits.sorted();
		const lag = lags.sorted();
		const c = cpus();
		const thirdSample = third ?? end;
		return {
			frameworks: o.frameworks,
			agents: o.agents,
			completedTasksPerFramework: o.completedTasks,
			durationS: round(wallS, 1),
			calls,
			callsPerSecond: round(calls / wallS, 0),
			callsByType,
			callErrors,
			latencyMs: {
				p50: round(percentile(lat, 50)),
				p90: round(percentile(lat, 90)),
				p99: round(percentile(lat, 99)),
				max: round(percentile(lat, 100)),
			},
			queuedMs: { p50: round(percentile(wait, 50)), p99: round(percentile(wait, 99)) },
			events,
			eventsPerSecond: round(events / wallS, 0),
			offers: counters.offers - offers0,
			tasksLaunched: counters.launched - launched0,
			tasksFinished: finished,
			updates,
			eventLagMs: {
				samples: lag.length,
				p50: round(percentile(lag, 50)),
				p99: round(percentile(lag, 99)),
				max: round(percentile(lag, 100)),
			},
			subscribeMs: Math.round(subscribeMs),
			resubscriptions,
			server: {
				before: strip(before),
				third: thirdSample,
				end,
				afterTeardown: strip(after),
				heapGrowthMb: round(end.heapUsedMb - thirdSample.heapUsedMb, 1),
				cpuPercent,
				eventLoopDelayMs: loop,
				callHandlingMs: handling,
				slowSteps,
				idleScavenges,
			},
			client,
			dashboards: {
				connected: viewers.filter((v) => v.open).length,
				bytesPerSecondEach:
					viewers.length === 0
						? 0
						: round(
								(viewers.reduce((n, v) => n + v.bytes, 0) / viewers.length / (performance.now() - tViewers)) *
									1000,
								0,
							),
			},
			excludedAroundGc: excluded,
			machine: { cpu: c[0]?.model ?? "unknown", cores: c.length, node: process.version },
			date: new Date().toISOString(),
		};
	} finally {
		for (const v of viewers) v.close();
		await Promise.all(frameworks.map((f) => f.stop()));
		await master.stop();
	}
}

/** The result as the lines docs/benchmarks.md shows. */
export function formatLoadResult(r: LoadResult): string {
	const s = r.server;
	const mem = (m: MemorySample) => `RSS ${m.rssMb} MB, heap ${m.heapUsedMb} MB`;
	return [
		`machine: ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, ${r.date.slice(0, 10)}`,
		`${r.frameworks} HTTP frameworks × ${r.agents} agents, ${r.durationS} s on loopback (subscribed in ${r.subscribeMs} ms; the master keeps ${r.completedTasksPerFramework} completed tasks per framework)`,
		`calls:       ${r.calls} (${r.callsPerSecond}/s; ${Object.entries(r.callsByType)
			.map(([k, v]) => `${k} ${v}`)
			.join(", ")}), ${r.callErrors} refused`,
		`latency:     p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms (of which queued behind the framework's earlier calls: p50 ${r.queuedMs.p50} ms, p99 ${r.queuedMs.p99} ms)`,
		`events:      ${r.events} (${r.eventsPerSecond}/s), ${r.offers} offers, ${r.updates} updates; ${r.tasksLaunched} tasks launched, ${r.tasksFinished} finished; ${r.resubscriptions} resubscriptions`,
		`event lag:   p50 ${r.eventLagMs.p50} ms, p99 ${r.eventLagMs.p99} ms, max ${r.eventLagMs.max} ms (${r.eventLagMs.samples} UPDATEs)`,
		`master:      CPU ${s.cpuPercent}% of a core; event-loop delay p50 ${s.eventLoopDelayMs.p50} ms, p99 ${s.eventLoopDelayMs.p99} ms, max ${s.eventLoopDelayMs.max} ms`,
		`             per call (request received to response sent) p50 ${s.callHandlingMs.p50} ms, p99 ${s.callHandlingMs.p99} ms, max ${s.callHandlingMs.max} ms`,
		`             engine events over 10 ms: ${s.slowSteps.count} (${s.slowSteps.totalMs} ms in all, longest ${s.slowSteps.maxMs} ms); idle-time scavenges: ${s.idleScavenges}`,
		`clients:     CPU ${r.client.cpuPercent}% of a core; event-loop delay p50 ${r.client.eventLoopDelayMs.p50} ms, p99 ${r.client.eventLoopDelayMs.p99} ms, max ${r.client.eventLoopDelayMs.max} ms`,
		`memory:      idle ${mem(s.before)}; at ${s.third.atS} s ${mem(s.third)}; at ${s.end.atS} s ${mem(s.end)} (heap growth ${s.heapGrowthMb} MB); after teardown ${mem(s.afterTeardown)}`,
	].join("\n");
}

/** `mesosim bench load` flags. */
export interface LoadFlags {
	frameworks?: string;
	agents?: string;
	duration?: string;
	accept?: string;
	command?: string;
	seed?: string;
	completedTasks?: string;
	dashboards?: string;
	json?: string | boolean;
	quiet?: boolean;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
	const k = process.argv.indexOf("--serve-child");
	if (k >= 0)
		void serveChild(
			Number(process.argv[k + 1]),
			Number(process.argv[k + 2]),
			Number(process.argv[k + 3]),
			process.argv[k + 4] || undefined,
		);
}

function positiveInt(flag: string, value: string | undefined, dflt: number, max: number): number {
	if (value === undefined) return dflt;
	const v = value.trim();
	if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
		throw simError("SIM_ERR_BAD_FLAG", {
			flag,
			value: JSON.stringify(value),
			reason: `must be an integer from 1 to ${max}`,
		});
	return Number(v);
}

/** Parses `mesosim bench load` flags. Throws SIM_ERR_BAD_FLAG. */
export function parseLoadFlags(flags: LoadFlags): Omit<LoadOptions, "log"> {
	return {
		frameworks: positiveInt("--frameworks", flags.frameworks, LOAD_DEFAULTS.frameworks, 10_000),
		agents: positiveInt("--agents", flags.agents, LOAD_DEFAULTS.agents, 200_000),
		durationMs:
			flags.duration === undefined
				? LOAD_DEFAULTS.durationMs
				: parseDurationFlag(flags.duration, "--duration"),
		accept: positiveInt("--accept", flags.accept, LOAD_DEFAULTS.accept, 1000),
		command: flags.command ?? LOAD_DEFAULTS.command,
		seed: flags.seed === undefined ? LOAD_DEFAULTS.seed : parseSeedFlag(flags.seed),
		completedTasks:
			flags.completedTasks === undefined
				? LOAD_DEFAULTS.completedTasks
				: positiveInt("--completed-tasks", flags.completedTasks, 1000, 1_000_000),
		dashboards: flags.dashboards === undefined ? 0 : countFlag("--dashboards", flags.dashboards, 100),
	};
}

function countFlag(flag: string, value: string, max: number): number {
	const v = value.trim();
	if (!/^\d+$/.test(v) || Number(v) > max)
		throw simError("SIM_ERR_BAD_FLAG", {
			flag,
			value: JSON.stringify(value),
			reason: `must be an integer from 0 to ${max}`,
		});
	return Number(v);
}

/** One dashboard on the live feed: reads every frame, counts the bytes, never writes. */
class DashboardViewer {
	bytes = 0;
	open = true;
	readonly #ws: WebSocket;
	private constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on("message", (data: Buffer) => {
			this.bytes += data.length;
		});
		ws.on("close", () => {
			this.open = false;
		});
	}
	static open(url: string, feedPath: string): Promise<DashboardViewer> {
		const ws = new WebSocket(`${url.replace(/^http/, "ws")}${feedPath}`);
		return new Promise((resolve, reject) => {
			ws.once("open", () => resolve(new DashboardViewer(ws)));
			ws.once("error", reject);
		});
	}
	close(): void {
		this.#ws.close();
	}
}

/** `mesosim bench load`: runs the benchmark, prints the summary (or JSON with --json). */
export async function benchLoad(
	flags: LoadFlags,
	ctx: CliContext,
	dashboard?: { module: string; feedPath: string },
): Promise<void> {
	const opts: Omit<LoadOptions, "log"> = {
		...parseLoadFlags(flags),
		...(dashboard === undefined
			? {}
			: { dashboardModule: dashboard.module, dashboardFeedPath: dashboard.feedPath }),
	};
	const quiet = flags.quiet === true || flags.json === true || flags.json === "-";
	const result = await runLoadBench({
		...opts,
		...(quiet ? {} : { log: (l) => ctx.stderr.write(`${l}\n`) }),
	});
	const json = flags.json;
	if (json !== undefined && json !== false) {
		const text = `${JSON.stringify(result, null, 2)}\n`;
		if (json === true || json === "-") {
			ctx.stdout.write(text);
			return;
		}
		try {
			writeFileSync(json, text);
		} catch (err) {
			throw simError("SIM_ERR_OUTPUT", { path: json, reason: (err as Error).message }, { cause: err });
		}
	}
	ctx.stdout.write(`${formatLoadResult(result)}\n`);
}
