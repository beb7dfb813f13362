// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * Helpers for the HTTP API tests: a simulated cluster with the app attached
 * (clock driven by hand), a RecordIO reader that checks byte lengths, and
 * shorthands for scheduler and operator calls through inject().
 */
import type { Readable } from "node:stream";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { type BuildAppOptions, buildApp } from "../../master/http/index.js";
import { InvariantChecker } from "../../master/index.js";
import { buildSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";

export interface TestCluster {
	sim: Simulation;
	app: FastifyInstance;
	checker: InvariantChecker;
	/** Runs the engine for `ms` of simulated time, then lets streams flush. */
	advance(ms: number): Promise<void>;
	close(): Promise<void>;
}

export interface ClusterOptions {
	agents?: number;
	seed?: number;
	/** Extra scenario fields (master, roles, frameworks...). */
	scenario?: Record<string, unknown>;
	app?: Partial<BuildAppOptions>;
}

export const flush = () => new Promise<void>((r) => setImmediate(r));

export async function cluster(opts: ClusterOptions = {}): Promise<TestCluster> {
	const scenario = validateScenario({
		name: "api-test",
		seed: opts.seed ?? 1,
		agents: [
			{ group: "agent", count: opts.agents ?? 3, cpus: 8, mem: 32768, disk: 102400, ports: "[31000-32000]" },
		],
		...opts.scenario,
	});
	const sim = buildSimulation(scenario);
	const checker = new InvariantChecker(sim.master);
	sim.engine.runUntil(100); // agents registered
	const app = buildApp({ master: sim.master, engine: sim.engine, ...opts.app });
	await app.ready();
	return {
		sim,
		app,
		checker,
		async advance(ms: number) {
			sim.engine.runUntil(sim.engine.now + ms);
			await flush();
			await flush();
		},
		async close() {
			await app.close();
		},
	};
}

/** Parses RecordIO frames from a stream, checking that each length counts UTF-8 bytes. */
export class FrameReader {
	readonly frames: Record<string, unknown>[] = [];
	readonly raw: { length: number; bytes: Buffer }[] = [];
	ended = false;
	error: string | null = null;
	#buf: Buffer = Buffer.alloc(0);
	#waiters: (() => void)[] = [];
	#read = 0;

	constructor(stream: Readable) {
		stream.on("data", (chunk: Buffer) => {
			this.#buf = Buffer.concat([this.#buf, chunk]);
			this.#parse();
			this.#wake();
		});
		stream.on("end", () => {
			this.ended = true;
			if (this.#buf.length > 0) this.error = `trailing bytes: ${JSON.stringify(this.#buf.toString())}`;
			this.#wake();
		});
		stream.on("error", () => {
			this.ended = true;
			this.#wake();
		});
	}

	#wake(): void {
		const w = this.#waiters;
		this.#waiters = [];
		for (const f of w) f();
	}

	#parse(): void {
		for (;;) {
			const nl = this.#buf.indexOf(0x0a);
			if (nl < 0) return;
			const head = this.#buf.subarray(0, nl).toString("ascii");
			if (!/^[1-9]\d*$/.test(head)) {
				this.error = `bad record length ${JSON.stringify(head)}`;
				return;
			}
			const n = Number(head);
			if (this.#buf.length < nl + 1 + n) return;
			const bytes = this.#buf.subarray(nl + 1, nl + 1 + n);
			this.#buf = this.#buf.subarray(nl + 1 + n);
			this.raw.push({ length: n, bytes: Buffer.from(bytes) });
			try {
				this.frames.push(JSON.parse(bytes.toString("utf8")) as Record<string, unknown>);
			} catch {
				this.error = `frame is not JSON: ${bytes.toString("utf8").slice(0, 80)}`;
			}
		}
	}

	/** The next frame not yet taken (waits up to timeoutMs of wall time). */
	async next(timeoutMs = 2000): Promise<Record<string, unknown>> {
		const deadline = Date.now() + timeoutMs;
		while (this.#read >= this.frames.length) {
			if (this.ended) throw new Error(`stream ended after ${this.frames.length} frames`);
			if (Date.now() > deadline)
				throw new Error(`no frame within ${timeoutMs} ms (have ${this.frames.length})`);
			await new Promise<void>((r) => {
				this.#waiters.push(r);
				setTimeout(r, 20);
			});
		}
		return this.frames[this.#read++]!;
	}

	/** Frames not yet taken, all of them (after letting the stream flush). */
	async drain(): Promise<Record<string, unknown>[]> {
		await flush();
		await flush();
		const out = this.frames.slice(this.#read);
		this.#read = this.frames.length;
		return out;
	}

	/** Next frame of a given type, skipping others (HEARTBEAT...). */
	async nextOf(type: string, timeoutMs = 2000): Promise<Record<string, unknown>> {
		for (;;) {
			const f = await this.next(timeoutMs);
			if (f.type === type) return f;
		}
	}

	async waitEnd(timeoutMs = 2000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (!this.ended) {
			if (Date.now() > deadline) throw new Error("stream did not end");
			await new Promise<void>((r) => {
				this.#waiters.push(r);
				setTimeout(r, 20);
			});
		}
	}
}

/** Simulates a dropped connection under inject(): the server's response object is destroyed. */
export function dropConnection(res: LightMyRequestResponse): void {
	(res.raw as unknown as { res: { destroy(): void } }).res.destroy();
}

export const JSON_HEADERS = { "content-type": "application/json" };

export interface Subscription {
	res: LightMyRequestResponse;
	reader: FrameReader;
	streamId: string;
	frameworkId: string;
	/** The connection drops (the server side's response is destroyed). */
	drop(): void;
}

/** SUBSCRIBE through inject; resolves once SUBSCRIBED arrived. */
export async function subscribe(
	app: FastifyInstance,
	frameworkInfo: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
): Promise<Subscription> {
	const info: Record<string, unknown> = { user: "tester", name: "api-test", ...frameworkInfo };
	const body: Record<string, unknown> = { type: "SUBSCRIBE", subscribe: { framework_info: info, ...extra } };
	if (info.id !== undefined) body.framework_id = info.id;
	const res = await app.inject({
		method: "POST",
		url: "/api/v1/scheduler",
		headers: { ...JSON_HEADERS, accept: "application/json" },
		payload: JSON.stringify(body),
		payloadAsStream: true,
	});
	if (res.statusCode !== 200) {
		let text = "";
		for await (const c of res.stream()) text += String(c);
		throw new Error(`SUBSCRIBE answered ${res.statusCode}: ${text}`);
	}
	const reader = new FrameReader(res.stream());
	const first = await reader.next();
	if (first.type !== "SUBSCRIBED") throw new Error(`first event is ${String(first.type)}`);
	const frameworkId = (first.subscribed as { framework_id: { value: string } }).framework_id.value;
	return {
		res,
		reader,
		streamId: String(res.headers["mesos-stream-id"]),
		frameworkId,
		drop: () => dropConnection(res),
	};
}

/** A scheduler call on a subscription (framework_id and Mesos-Stream-Id filled in). */
export function call(
	app: FastifyInstance,
	sub: Pick<Subscription, "streamId" | "frameworkId">,
	body: Record<string, unknown>,
	headers: Record<string, string> = {},
) {
	return app.inject({
		method: "POST",
		url: "/api/v1/scheduler",
		headers: { ...JSON_HEADERS, "mesos-stream-id": sub.streamId, ...headers },
		payload: JSON.stringify({ framework_id: { value: sub.frameworkId }, ...body }),
	});
}

/** An operator call; returns the parsed JSON body (or null for an empty one). */
export async function operator(app: FastifyInstance, body: Record<string, unknown>) {
	const res = await app.inject({
		method: "POST",
		url: "/api/v1",
		headers: { ...JSON_HEADERS, accept: "application/json" },
		payload: JSON.stringify(body),
	});
	const isJson = String(res.headers["content-type"] ?? "").startsWith("application/json");
	return {
		status: res.statusCode,
		body: isJson && res.body !== "" ? (JSON.parse(res.body) as any) : null,
		text: res.body,
	};
}

export type Offer = {
	id: { value: string };
	agent_id: { value: string };
	hostname: string;
	resources: {
		name: string;
		scalar?: { value: number };
		ranges?: { range: { begin: number; end: number }[] };
	}[];
};

export function offersOf(frame: Record<string, unknown>): Offer[] {
	return (frame.offers as { offers: Offer[] }).offers;
}

/** A TaskInfo for an offer: `cpus`/`mem` from it, command as given. */
export function taskFor(offer: Offer, id: string, cmd = "sleep 10", cpus = 1, mem = 128) {
	return {
		name: id,
		task_id: { value: id },
		agent_id: offer.agent_id,
		resources: [
			{ name: "cpus", type: "SCALAR", scalar: { value: cpus }, role: "*" },
			{ name: "mem", type: "SCALAR", scalar: { value: mem }, role: "*" },
		],
		command: { value: cmd, shell: true, uris: null },
	};
}

/**
 * Advances the clock in steps, acknowledging every update with a uuid, until
 * an UPDATE with `state` for `taskId` arrives; returns the updates seen.
 */
export async function runUntilState(
	cl: TestCluster,
	sub: Subscription,
	taskId: string,
	state: string,
	stepMs = 500,
	maxSteps = 40,
): Promise<Record<string, any>[]> {
	const seen: Record<string, any>[] = [];
	for (let i = 0; i < maxSteps; i++) {
		await cl.advance(stepMs);
		for (const f of await sub.reader.drain()) {
			if (f.type !== "UPDATE") continue;
			const status = (f.update as { status: Record<string, any> }).status;
			seen.push(status);
			if (status.uuid !== undefined) {
				await call(cl.app, sub, {
					type: "ACKNOWLEDGE",
					acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
				});
			}
			if (status.task_id.value === taskId && status.state === state) return seen;
		}
	}
	throw new Error(`no ${state} for ${taskId}; saw ${seen.map((s) => s.state).join(", ")}`);
}

/** A JSON call through inject (a string body goes as it is): the status, the text and the parsed JSON (null if none). */
export async function injectJson(app: FastifyInstance, method: "GET" | "POST", url: string, body?: unknown) {
	const res = await app.inject({
		method,
		url,
		...(body === undefined
			? {}
			: { payload: typeof body === "string" ? body : JSON.stringify(body), headers: JSON_HEADERS }),
	});
	let json: any = null;
	try {
		json = JSON.parse(res.body);
	} catch {}
	return { status: res.statusCode, text: res.body, json };
}
