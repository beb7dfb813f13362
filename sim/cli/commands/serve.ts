/**
 * `mesosim serve`: a live master speaking the Mesos HTTP APIs (v1 scheduler
 * and operator APIs, v0 endpoints) over a simulated cluster paced to the wall
 * clock × --speed. The scenario's in-process frameworks run beside remote
 * ones. One log line with the URL goes to stderr at start; SIGINT/SIGTERM end
 * every open stream, close the server and exit (within a second).
 */
import closeWithGrace from "close-with-grace";
import type { Command } from "commander";
import type { FastifyBaseLogger } from "fastify";
import { simError } from "../../../common/errors.js";
import { loadScenarioFile } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import { validateScenario } from "../../scenario/validate.js";
import type { CliContext } from "../context.js";
import { parseSeedFlag } from "../flags.js";

export interface ServeFlags {
	host?: string;
	port?: string;
	scenario?: string;
	agents?: string;
	speed?: string;
	seed?: string;
}

export interface ServeOptions {
	host: string;
	port: number;
	speed: number;
	seed?: number;
	scenarioPath?: string;
	agents?: number;
}

export const DEFAULT_SERVE_AGENTS = 10;
const MAX_AGENTS = 200_000;
const MAX_SPEED = 1_000_000;

function badFlag(flag: string, value: string, reason: string): never {
	throw simError("SIM_ERR_BAD_FLAG", { flag, value: JSON.stringify(value), reason });
}

/** Parses serve's flags. Throws SIM_ERR_BAD_FLAG / SIM_ERR_USAGE. */
export function parseServeFlags(flags: ServeFlags): ServeOptions {
	const host = (flags.host ?? "127.0.0.1").trim();
	if (host === "") badFlag("--host", flags.host ?? "", "must not be empty");
	const portText = (flags.port ?? "5050").trim();
	if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
		badFlag("--port", portText, "must be an integer from 0 to 65535 (0: any free port)");
	}
	const speedText = (flags.speed ?? "1").trim();
	const speed = Number(speedText);
	if (speedText === "" || !Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) {
		badFlag("--speed", speedText, `must be a number greater than 0 and at most ${MAX_SPEED}`);
	}
	const out: ServeOptions = { host, port: Number(portText), speed };
	if (flags.seed !== undefined) out.seed = parseSeedFlag(flags.seed);
	if (flags.scenario !== undefined && flags.agents !== undefined) {
		throw simError("SIM_ERR_USAGE", {
			reason: "--scenario and --agents cannot be used together (see mesosim serve --help)",
		});
	}
	if (flags.scenario !== undefined) out.scenarioPath = flags.scenario;
	else {
		const text = (flags.agents ?? String(DEFAULT_SERVE_AGENTS)).trim();
		if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_AGENTS) {
			badFlag("--agents", text, `must be an integer from 1 to ${MAX_AGENTS}`);
		}
		out.agents = Number(text);
	}
	return out;
}

/** N agents of 8 cpus, 32 GB, 100 GB disk, ports [31000-32000]; no frameworks. */
export function agentsScenario(count: number, seed = 1): Scenario {
	return validateScenario(
		{
			name: `serve-${count}-agents`,
			seed,
			agents: [{ group: "agent", count, cpus: 8, mem: 32768, disk: 102400, ports: "[31000-32000]" }],
		},
		{ sourceName: "--agents" },
	);
}

export function serveScenario(o: ServeOptions): Scenario {
	if (o.scenarioPath !== undefined) {
		const s = loadScenarioFile(o.scenarioPath);
		return o.seed === undefined ? s : { ...s, seed: o.seed };
	}
	return agentsScenario(o.agents ?? DEFAULT_SERVE_AGENTS, o.seed ?? 1);
}

export function registerServe(program: Command, ctx: CliContext): void {
	program
		.command("serve")
		.description("run a live master with the Mesos HTTP APIs over a simulated cluster")
		.option("--host <host>", "address to listen on", "127.0.0.1")
		.option("--port <port>", "port to listen on (0: any free port)", "5050")
		.option("--scenario <file>", "scenario file: agents, roles, in-process frameworks, timeline")
		.option(
			"--agents <n>",
			`without --scenario: N agents of 8 cpus, 32 GB, 100 GB disk (default ${DEFAULT_SERVE_AGENTS})`,
		)
		.option("--speed <x>", "simulated seconds per wall-clock second (remote clients: keep 1)", "1")
		.option("--seed <n>", "seed for every random stream (overrides the scenario's seed)")
		.action(async (flags: ServeFlags) => {
			const opts = parseServeFlags(flags);
			const scenario = serveScenario(opts);
			const logger = ctx.logger.child({}, { level: ctx.env.MESOSIM_LOG_LEVEL ?? "info" });
			const { startLive } = await import("../../runner/live.js");
			const { liveDashboard } = await import("../../../web/server/index.js");
			const address = `${opts.host}:${opts.port}`;
			let server: Awaited<ReturnType<typeof startLive>>;
			try {
				server = await startLive({
					scenario,
					host: opts.host,
					port: opts.port,
					speed: opts.speed,
					extensions: [liveDashboard],
					// fastify's own info lines ("Server listening at") stay quiet: one line announces the URL.
					logger: logger.child(
						{},
						{ level: ctx.env.MESOSIM_LOG_LEVEL ?? "warn" },
					) as unknown as FastifyBaseLogger,
				});
			} catch (err) {
				const e = err as NodeJS.ErrnoException;
				throw simError("SIM_ERR_LISTEN", { address, reason: e.code ?? e.message }, { cause: err });
			}
			// Signals are handled before the URL is announced: a client may act on it at once.
			closeWithGrace(
				{
					delay: 1000,
					logger: { error: (m: unknown) => logger.error(String(m)) },
				},
				async ({ signal, err }) => {
					if (err !== undefined) logger.error({ err }, "shutting down after an error");
					else logger.info({ signal }, "shutting down");
					await server.close();
				},
			);
			const agents = scenario.agents.reduce((n, g) => n + g.count, 0);
			logger.info(
				{
					url: server.url,
					agents,
					frameworks: scenario.frameworks.length,
					speed: opts.speed,
					seed: scenario.seed,
				},
				`mesosim master listening on ${server.url}`,
			);
			// closeWithGrace exits the process once the server is closed.
			await new Promise<never>(() => {});
		});
}
