/**
 * The live driver: the engine paced to the wall clock × speed, with the
 * master's HTTP APIs attached. This is the driver layer, the one place (with
 * run.ts) allowed to read the wall clock and use real timers.
 *
 * Pacing: every tick (10 ms by default) the engine runs every event due up to
 * target = simStart + (wall - wallStart) × speed, then its clock is set to the
 * target, so simulated time flows even when nothing happens. A tick does at
 * most `budgetMs` of work; if the engine is behind it continues on the next
 * turn of the event loop (setImmediate) so HTTP requests are still served, and
 * `lagMs` says how far behind it is. Before an HTTP call reaches the master the
 * app calls `catchUp()`, so a call runs at the current simulated time.
 *
 * Heartbeats: the master sends HEARTBEAT every 15 s of simulated time, so a
 * client sees one every 15 / speed wall seconds (1.5 s at --speed 10). At
 * speed < 1 that would be slower than clients expect (they give up after about
 * 5 missed heartbeats), so the driver also calls `app.mesos.keepAlive()` every
 * 15 wall seconds: each stream that was silent for that long gets a HEARTBEAT.
 * A client therefore sees at least one HEARTBEAT per 15 s of either clock.
 *
 * Dates: the simulated clock is Unix time. The driver reads the wall clock
 * once, at start, and builds the engine with it as its origin (or with the
 * `startTimeMs` it is given), so /master/state's times, status timestamps and
 * log lines show real dates; headless runs (run.ts) keep origin 0.
 *
 * Ids: a live master is a new master on every start, as a Mesos master is:
 * the driver draws a fresh id seed (a UUID from node:crypto) and the master
 * derives its id, and so framework, agent, offer and stream ids, from it, not
 * from the scenario seed. A framework id kept from an earlier start therefore
 * never names a framework of this one; resubscribing with it registers that
 * framework again under its own id (Mesos's recoverFramework).
 *
 * GC: calls come in bursts (one per offer cycle), so startLive turns V8's
 * allocation-site pretenuring off and runs one scavenge once the calls of a
 * burst have stopped (gc.ts): GC pauses stay out of the bursts.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Engine } from "../../engine/index.js";
import { type AuthOptions, type BuildAppOptions, buildApp } from "../../master/http/index.js";
import type { RingLimits } from "../../master/index.js";
import { controlPlugin, DecisionControl } from "../control/index.js";
import type { Scenario } from "../scenario/index.js";
import { buildSimulation, type Simulation } from "./build.js";
import { applyLiveV8Flags, IdleScavenger } from "./gc.js";

export interface LiveDriverOptions {
	engine: Engine;
	/** Simulated ms per wall ms (default 1). */
	speed?: number;
	/** Wall ms between ticks when the engine is caught up (default 10). */
	tickMs?: number;
	/** Wall ms of engine work per tick at most (default 20). */
	budgetMs?: number;
	/** Wall ms between keep-alive calls (default 15 000). */
	keepAliveMs?: number;
	onKeepAlive?: () => void;
	/** Wall clock in ms (tests may inject one). */
	wallNow?: () => number;
}

export class LiveDriver {
	#speed: number;
	#paused = false;
	readonly #engine: Engine;
	readonly #tickMs: number;
	readonly #budgetMs: number;
	readonly #keepAliveMs: number;
	readonly #wallNow: () => number;
	onKeepAlive: (() => void) | null;
	/**
	 * Runs after each paced tick's catch-up (not when catching up on a call,
	 * nor while behind), so it sees what the tick's events left: an idle
	 * scavenge may then run just after an offer cycle's OFFERS, before the
	 * frameworks' answers arrive. Polling before the catch-up gave a worse
	 * call-latency p99 (docs/benchmarks.md, HTTP load).
	 */
	onTick: (() => void) | null = null;
	#wallStart = 0;
	#simStart = 0;
	#timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
	#keepAlive: NodeJS.Timeout | null = null;
	#running = false;
	#busy = false;
	#behind = false;

	constructor(opts: LiveDriverOptions) {
		const speed = opts.speed ?? 1;
		if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be > 0 (got ${speed})`);
		this.#speed = speed;
		this.#engine = opts.engine;
		this.#tickMs = opts.tickMs ?? 10;
		this.#budgetMs = opts.budgetMs ?? 20;
		this.#keepAliveMs = opts.keepAliveMs ?? 15_000;
		this.#wallNow = opts.wallNow ?? (() => performance.now());
		this.onKeepAlive = opts.onKeepAlive ?? null;
	}

	get running(): boolean {
		return this.#running;
	}

	/** Simulated ms per wall ms. */
	get speed(): number {
		return this.#speed;
	}

	/** Simulated time the wall clock asks for now (while paused: where the clock stopped). */
	target(): number {
		if (this.#paused) return this.#simStart;
		return this.#simStart + Math.floor((this.#wallNow() - this.#wallStart) * this.#speed);
	}

	/** How far (simulated ms) the engine is behind the wall clock after the last catch-up. */
	get lagMs(): number {
		return Math.max(0, this.target() - this.#engine.now);
	}

	start(): void {
		if (this.#running) return;
		this.#running = true;
		this.#wallStart = this.#wallNow();
		this.#simStart = this.#engine.now;
		this.#schedule();
		this.#keepAlive = setInterval(() => this.onKeepAlive?.(), this.#keepAliveMs);
	}

	stop(): void {
		this.#running = false;
		if (this.#timer !== null) {
			clearTimeout(this.#timer as NodeJS.Timeout);
			clearImmediate(this.#timer as NodeJS.Immediate);
			this.#timer = null;
		}
		if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
		this.#keepAlive = null;
	}

	/**
	 * Runs the events due by now (within the work budget); then the clock reads
	 * the target time. A paused clock runs nothing: not even the rest of the
	 * instant at which an event paused it (a lesson step that pauses right
	 * after the first agent registers stops before the frameworks subscribe in
	 * the same millisecond). Stepping (advanceTo) runs them.
	 */
	catchUp(): void {
		if (!this.#running || this.#busy || this.#paused) return;
		this.#busy = true;
		try {
			const engine = this.#engine;
			const target = this.target();
			const deadline = this.#wallNow() + this.#budgetMs;
			let n = 0;
			this.#behind = false;
			const wasPaused = this.#paused;
			while (engine.nextTime() <= target) {
				engine.step();
				// An event paused the clock (a lesson step with `pause`): stop right after it.
				if (this.#paused && !wasPaused) return;
				if ((++n & 255) === 0 && this.#wallNow() > deadline) {
					this.#behind = true;
					return;
				}
			}
			engine.runUntil(target);
		} finally {
			this.#busy = false;
		}
	}

	// ---- control (the /sim/v1 clock calls) ------------------------------------

	get paused(): boolean {
		return this.#paused;
	}

	/** The clock restarts from the engine's time now: later pacing counts from here. */
	#rebase(): void {
		this.#simStart = this.#engine.now;
		this.#wallStart = this.#wallNow();
	}

	/** Simulated time stops (HTTP calls are still served at the stopped time). */
	pause(): void {
		this.catchUp();
		this.#paused = true;
		this.#rebase();
	}

	resume(): void {
		if (!this.#paused) return;
		this.#paused = false;
		this.#rebase();
	}

	/** A new speed from now on (the simulated time reached so far stays). */
	setSpeed(speed: number): void {
		if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be > 0 (got ${speed})`);
		this.catchUp();
		this.#speed = speed;
		this.#rebase();
	}

	/**
	 * Runs every event before simulated time `t` (then the clock reads t - 1)
	 * or up to and including `t` (`inclusive`), whatever the pacing; used
	 * while paused to step to the next allocation cycle or through it.
	 */
	advanceTo(t: number, inclusive: boolean): void {
		const engine = this.#engine;
		const end = inclusive ? t : t - 1;
		if (end > engine.now) engine.runUntil(end);
		this.#rebase();
	}

	#schedule(): void {
		if (!this.#running) return;
		const tick = () => {
			this.#timer = null;
			this.catchUp();
			if (!this.#behind) this.onTick?.();
			this.#schedule();
		};
		this.#timer = this.#behind ? setImmediate(tick) : setTimeout(tick, this.#tickMs);
	}
}

/** The /sim/v1 control API (sim/control/http.ts) on the live app, driving this driver's clock. */
function registerControl(
	app: FastifyInstance,
	sim: Simulation,
	driver: LiveDriver,
	decisions: DecisionControl,
): void {
	const started = performance.now();
	app.register(controlPlugin, {
		sim,
		clock: driver,
		operator: app.mesos.operator,
		wallMs: () => performance.now() - started,
		decisions,
	});
}

/** Wall ms a closing server waits for connections to end before destroying them. */
export const CLOSE_GRACE_MS = 250;

export interface LiveServerOptions {
	scenario: Scenario;
	host: string;
	port: number;
	speed: number;
	logger?: FastifyBaseLogger;
	/** Unix time (ms) the simulated clock starts at (default: the wall clock now). */
	startTimeMs?: number;
	/** Seeds the master's ids (default: a fresh UUID per start; tests may fix one). */
	idSeed?: string;
	/** Options of the HTTP app (the stock web UI's needs: agent pages, a UI directory). */
	app?: LiveAppOptions;
	/** HTTP Basic authentication (master/http/auth.ts); none by default. */
	auth?: AuthOptions;
	/** Routes added by layers above the driver before the server listens (the dashboard, web/server). */
	extensions?: readonly LiveExtension[];
	/** Record decisions from the start into a ring of these bounds (`serve --decisions N`); off when absent. */
	decisions?: Partial<RingLimits>;
}

/** Adds routes to the live app; called once, before listen, with the simulation and its clock. */
export type LiveExtension = (
	app: FastifyInstance,
	live: { sim: Simulation; driver: LiveDriver },
) => Promise<void> | void;

async function applyExtensions(
	app: FastifyInstance,
	opts: LiveServerOptions,
	live: { sim: Simulation; driver: LiveDriver },
) {
	for (const extend of opts.extensions ?? []) await extend(app, live);
}

/** What `serve` may pass on to buildApp. */
export type LiveAppOptions = Pick<BuildAppOptions, "agentsOnMasterHost" | "webuiDir">;

export interface LiveServer {
	url: string;
	port: number;
	app: FastifyInstance;
	sim: Simulation;
	driver: LiveDriver;
	/** Idle-time scavenges between bursts of calls (gc.ts). */
	scavenger: IdleScavenger;
	/** The decision ring and its switch (/sim/v1/decisions). */
	decisions: DecisionControl;
	/** Stops the clock, ends every open stream and closes the server. */
	close(): Promise<void>;
}

/** Builds the simulation, attaches the HTTP APIs, listens and starts the clock. */
export async function startLive(opts: LiveServerOptions): Promise<LiveServer> {
	// Bursty load: keep GC out of the bursts of calls (gc.ts).
	applyLiveV8Flags();
	const scavenger = new IdleScavenger({ wallNow: () => performance.now() });
	// The one read of the wall clock's date: simulated time starts there.
	const sim = buildSimulation(opts.scenario, {
		originMs: opts.startTimeMs ?? Date.now(),
		idSeed: opts.idSeed ?? randomUUID(),
	});
	const driver = new LiveDriver({ engine: sim.engine, speed: opts.speed });
	const app = buildApp({
		...opts.app,
		master: sim.master,
		engine: sim.engine,
		...(opts.logger === undefined ? {} : { logger: opts.logger }),
		...(opts.auth === undefined ? {} : { auth: opts.auth }),
		beforeCall: () => {
			scavenger.noteCall();
			driver.catchUp();
		},
	});
	const decisions = new DecisionControl(sim, opts.decisions ?? null);
	registerControl(app, sim, driver, decisions);
	driver.onKeepAlive = () => app.mesos.keepAlive();
	driver.onTick = () => scavenger.poll();
	try {
		await applyExtensions(app, opts, { sim, driver });
		await app.listen({ host: opts.host, port: opts.port });
	} catch (err) {
		await app.close();
		throw err;
	}
	const port = (app.server.address() as AddressInfo).port;
	sim.master.flags.hostname = opts.host;
	sim.master.flags.port = port;
	driver.start();
	const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
	let closing: Promise<void> | null = null;
	return {
		url: `http://${host}:${port}`,
		port,
		app,
		sim,
		driver,
		scavenger,
		decisions,
		close: () => {
			closing ??= (async () => {
				driver.stop();
				// preClose ends every stream, so connections drain at once; a socket that never
				// sent a request (some clients open one ahead) would keep close() waiting until
				// Node's headers timeout, so connections still open after 250 ms are destroyed.
				const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
				try {
					await app.close();
				} finally {
					clearTimeout(force);
				}
			})();
			return closing;
		},
	};
}
