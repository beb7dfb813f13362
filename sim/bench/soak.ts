/**
 * Soak benchmark (`mesosim bench soak`): hours of simulated time on the
 * live-style master (the simulation with the HTTP app attached, as `mesosim
 * serve` builds it) run as fast as the CPU allows, with churn everywhere a
 * long-lived master keeps state:
 * - in-process frameworks crash and come back (a failover with their id after
 *   10 s to 3 min) every `crashEvery` of simulated time, one picked by the
 *   seeded stream; their tasks relaunch as they end (services and short batch
 *   tasks, so completed-task histories fill and roll over);
 * - agents flap (down 30 s, up 1 min, three times) and a share of them crash
 *   for 10 min every half hour;
 * - over HTTP on a loopback socket, at every sample, a scheduler subscribes,
 *   takes its first events and drops its connection (failover timeout 0:
 *   removed at once, so the completed-framework list rolls over), and one
 *   operator stream stays subscribed and read all run long.
 *
 * The master keeps SOAK_HISTORY completed tasks per framework and completed
 * frameworks (Mesos keeps 1000 and 50): its bounded histories (which hold up
 * to twice their bound before trimming, master/bounded.ts) fill within the
 * warm-up, so what grows after it is not history filling up.
 *
 * Memory is sampled after a forced GC every `sample` of simulated time: RSS,
 * heap used, external (Buffers), and the master's own counts. Memory is flat
 * when the heap at the end is within `FLAT_TOLERANCE` of the heap after the
 * warm-up (the first quarter of the run: agents registered, histories full).
 */
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import type { FastifyInstance } from "fastify";
import { Rng } from "../../engine/index.js";
import { buildApp } from "../../master/http/index.js";
import { sparkline } from "../report/plot.js";
import { buildSimulation, type Simulation } from "../runner/build.js";
import { type Scenario, validateScenario } from "../scenario/index.js";

export interface SoakOptions {
	/** Simulated ms to run. */
	durationMs: number;
	agents: number;
	frameworks: number;
	/** Simulated ms between memory samples. */
	sampleMs: number;
	/** Simulated ms between framework crashes. */
	crashEveryMs: number;
	seed: number;
	/** Called after every sample (progress bars, lines). */
	onSample?: (sample: SoakSample, done: number, total: number) => void;
}

export interface SoakSample {
	/** Simulated time, ms. */
	atMs: number;
	/** Wall time since the start, ms. */
	wallMs: number;
	rssMb: number;
	heapUsedMb: number;
	externalMb: number;
	frameworks: number;
	completedFrameworks: number;
	tasks: number;
	agentsActive: number;
	openStreams: number;
	bufferedKb: number;
	pendingEvents: number;
}

export interface SoakResult {
	options: Omit<SoakOptions, "onSample">;
	samples: SoakSample[];
	crashes: number;
	httpSubscriptions: number;
	operatorEventBytes: number;
	/** Times the master ended the operator stream (a reader too slow): 0 when it kept up. */
	operatorResubscriptions: number;
	/** Heap used after the warm-up and at the end (MB), and the growth per simulated hour between them. */
	heap: { warmMb: number; endMb: number; growthMbPerHour: number };
	rss: { warmMb: number; endMb: number; maxMb: number };
	flat: boolean;
	wallS: number;
}

/** Completed tasks per framework and completed frameworks the soak's master keeps. */
export const SOAK_HISTORY = { tasksPerFramework: 100, frameworks: 5 } as const;

/** Heap growth (end over warm-up) under which memory counts as flat: the larger of 5 MB and 10 %. */
export const FLAT_TOLERANCE = { mb: 5, fraction: 0.1 } as const;

const MB = 1024 * 1024;

/** The soak's scenario: two agent groups, services and batch frameworks, and a seeded timeline of faults. */
export function soakScenario(o: Omit<SoakOptions, "onSample">): Scenario {
	const rng = new Rng(`${o.seed}/soak-timeline`);
	const half = Math.ceil(o.agents / 2);
	const group = (name: string, count: number) => ({
		group: name,
		count,
		cpus: 8,
		mem: 32768,
		disk: 102400,
		ports: "[31000-32000]",
	});
	const perFramework = Math.max(1, Math.floor((o.agents * 6) / o.frameworks));
	const frameworks = Array.from({ length: o.frameworks }, (_, i) => {
		const service = i % 2 === 0;
		return {
			type: "simple",
			name: `${service ? "service" : "batch"}-${i}`,
			failoverTimeout: "1h",
			tasks: {
				count: perFramework,
				cpus: 0.5,
				mem: 512,
				command: service ? "sleep 1800" : "sleep 45; exit 0",
				relaunch: true,
			},
		};
	});
	const timeline: Record<string, unknown>[] = [];
	for (let t = o.crashEveryMs; t < o.durationMs; t += o.crashEveryMs) {
		timeline.push({
			at: `${t}ms`,
			action: "disconnectFramework",
			framework: frameworks[rng.int(frameworks.length)]!.name,
			for: `${10_000 + rng.int(170_000)}ms`,
		});
	}
	for (let t = 5 * 60_000; t < o.durationMs; t += 5 * 60_000) {
		timeline.push({
			at: `${t}ms`,
			action: "flapAgents",
			agents: { group: rng.bernoulli(0.5) ? "a" : "b", fraction: 0.02 },
			for: "30s",
			upFor: "1m",
			times: 3,
		});
	}
	for (let t = 30 * 60_000; t < o.durationMs; t += 30 * 60_000) {
		timeline.push({ at: `${t}ms`, action: "crashAgents", agents: { fraction: 0.05 }, for: "10m" });
	}
	timeline.sort((x, y) => Number.parseInt(String(x.at), 10) - Number.parseInt(String(y.at), 10));
	return validateScenario({
		name: "soak",
		seed: o.seed,
		duration: `${o.durationMs}ms`,
		master: {
			maxCompletedTasksPerFramework: SOAK_HISTORY.tasksPerFramework,
			maxCompletedFrameworks: SOAK_HISTORY.frameworks,
		},
		agents: [group("a", half), group("b", o.agents - half)],
		frameworks,
		timeline,
	});
}

/** A forced full GC (the driver layer may expose it; the benches run as `mesosim` with no flags). */
function gcFunction(): () => void {
	v8.setFlagsFromString("--expose-gc");
	return runInNewContext("gc") as () => void;
}

/** POSTs a SUBSCRIBE on a real loopback connection; the answer's body is read as it comes. */
async function subscribeOver(
	url: string,
	body: unknown,
	signal: AbortSignal,
): Promise<ReadableStreamDefaultReader> {
	const res = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json", accept: "application/json" },
		body: JSON.stringify(body),
		signal,
	});
	if (res.status !== 200 || res.body === null) throw new Error(`SUBSCRIBE at ${url} answered ${res.status}`);
	return res.body.getReader();
}

/** A scheduler over HTTP that subscribes, reads its first events, and drops its connection (a crash). */
async function crashingHttpFramework(base: string, n: number): Promise<void> {
	const abort = new AbortController();
	const reader = await subscribeOver(
		`${base}/api/v1/scheduler`,
		{
			type: "SUBSCRIBE",
			subscribe: { framework_info: { user: "soak", name: `http-${n}`, failover_timeout: 0 } },
		},
		abort.signal,
	);
	await reader.read();
	abort.abort();
	await reader.cancel().catch(() => {});
}

/** An operator SUBSCRIBE read all run long, subscribed again whenever the master ends it (as a dashboard does). */
class OperatorReader {
	bytes = 0;
	/** Subscriptions after the first one: the master closed the stream (a reader that fell behind). */
	resubscriptions = 0;
	readonly #abort = new AbortController();
	readonly #url: string;

	constructor(base: string) {
		this.#url = `${base}/api/v1`;
	}

	/** Subscribes and reads until the stream ends (then subscribes again) or close(). */
	async start(): Promise<void> {
		const reader = await subscribeOver(this.#url, { type: "SUBSCRIBE" }, this.#abort.signal);
		void (async () => {
			try {
				for (;;) {
					const { done, value } = await reader.read();
					if (done) break;
					this.bytes += (value as Uint8Array).length;
				}
			} catch {
				// aborted, or cut by the master
			}
			if (this.#abort.signal.aborted) return;
			this.resubscriptions++;
			await this.start().catch(() => {});
		})();
	}

	close(): void {
		this.#abort.abort();
	}
}

function sampleOf(sim: Simulation, app: FastifyInstance, started: number): SoakSample {
	const m = process.memoryUsage();
	const master = sim.master;
	let tasks = 0;
	for (const fw of master.frameworks) if (!fw.removed) tasks += fw.tasks.size;
	const round = (x: number) => Math.round(x * 10) / 10;
	return {
		atMs: sim.engine.now,
		wallMs: Math.round(performance.now() - started),
		rssMb: round(m.rss / MB),
		heapUsedMb: round(m.heapUsed / MB),
		externalMb: round(m.external / MB),
		frameworks: master.frameworks.filter((f) => !f.removed).length,
		completedFrameworks: master.completedFrameworks.size,
		tasks,
		agentsActive: master.cluster.activeCount,
		openStreams: app.mesos.openStreams,
		bufferedKb: Math.round(app.mesos.bufferedBytes / 1024),
		pendingEvents: sim.engine.pending,
	};
}

export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
	const { onSample, ...options } = opts;
	const gc = gcFunction();
	const started = performance.now();
	const sim = buildSimulation(soakScenario(options), { idSeed: `soak/${options.seed}` });
	const app = buildApp({ master: sim.master, engine: sim.engine });
	await app.listen({ host: "127.0.0.1", port: 0 });
	const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
	const operator = new OperatorReader(base);
	await operator.start();
	// The readers keep up: after each slice they take what was sent before the clock goes on
	// (a bounded number of turns; what is left waits in the stream's queue, within its limits).
	const settle = async () => {
		for (let i = 0; i < 3 || (app.mesos.bufferedBytes > 0 && i < 200); i++)
			await new Promise<void>((r) => setImmediate(r));
	};
	const samples: SoakSample[] = [];
	const total = Math.ceil(options.durationMs / options.sampleMs);
	let http = 0;
	try {
		// Simulated time in slices of one second (as the live driver's ticks): streams flush between them.
		const sliceMs = Math.min(options.sampleMs, 1000);
		for (let k = 1; k <= total; k++) {
			const end = Math.min(options.durationMs, k * options.sampleMs);
			while (sim.engine.now < end) {
				sim.engine.runUntil(Math.min(end, sim.engine.now + sliceMs));
				await settle();
			}
			await crashingHttpFramework(base, http++);
			await settle();
			gc();
			const s = sampleOf(sim, app, started);
			samples.push(s);
			onSample?.(s, k, total);
		}
	} finally {
		operator.close();
		app.server.closeAllConnections();
		await app.close();
	}
	const warmIdx = Math.min(samples.length - 1, Math.floor(samples.length / 4));
	const warm = samples[warmIdx]!;
	const last = samples.at(-1)!;
	const hours = Math.max(1e-9, (last.atMs - warm.atMs) / 3_600_000);
	const growth = last.heapUsedMb - warm.heapUsedMb;
	return {
		options,
		samples,
		crashes: options.crashEveryMs > 0 ? Math.floor((options.durationMs - 1) / options.crashEveryMs) : 0,
		httpSubscriptions: http,
		operatorEventBytes: operator.bytes,
		operatorResubscriptions: operator.resubscriptions,
		heap: {
			warmMb: warm.heapUsedMb,
			endMb: last.heapUsedMb,
			growthMbPerHour: Math.round((growth / hours) * 10) / 10,
		},
		rss: {
			warmMb: warm.rssMb,
			endMb: last.rssMb,
			maxMb: Math.max(...samples.map((s) => s.rssMb)),
		},
		flat: growth <= Math.max(FLAT_TOLERANCE.mb, warm.heapUsedMb * FLAT_TOLERANCE.fraction),
		wallS: Math.round((performance.now() - started) / 100) / 10,
	};
}

/** Round MB for the plot's labels. */
function mb(x: number): string {
	return `${x.toFixed(1)} MB`;
}

/**
 * The terminal plot: one sparkline a series (heap used, external, RSS) over
 * simulated time, each scaled from 0 to its own maximum, with its first,
 * warm-up and last values.
 */
export function soakPlot(r: SoakResult, width = 48): string {
	const rows: [string, (s: SoakSample) => number][] = [
		["heap used", (s) => s.heapUsedMb],
		["external", (s) => s.externalMb],
		["RSS", (s) => s.rssMb],
	];
	const warmIdx = Math.min(r.samples.length - 1, Math.floor(r.samples.length / 4));
	const lines = rows.map(([name, get]) => {
		const values = r.samples.map(get);
		const max = Math.max(...values, 1e-9);
		const spark = sparkline(values, width, max);
		return `${name.padEnd(10)} ${spark.padEnd(width)}  ${mb(values[0]!)} → ${mb(values[warmIdx]!)} (warm) → ${mb(values.at(-1)!)}, max ${mb(max)}`;
	});
	const hours = (r.samples.at(-1)?.atMs ?? 0) / 3_600_000;
	lines.push(
		`${"".padEnd(10)} 0${"".padEnd(Math.max(0, width - 2 - String(hours.toFixed(1)).length))}${hours.toFixed(1)} h`,
	);
	return lines.join("\n");
}

/** One line: flat or not, and by how much. */
export function soakVerdict(r: SoakResult): string {
	const tolerance = Math.max(FLAT_TOLERANCE.mb, r.heap.warmMb * FLAT_TOLERANCE.fraction);
	return `${r.flat ? "flat" : "GROWING"}: heap ${mb(r.heap.warmMb)} after warm-up, ${mb(r.heap.endMb)} at the end (${r.heap.growthMbPerHour} MB per simulated hour; flat within ${mb(tolerance)}); RSS max ${mb(r.rss.maxMb)}`;
}
