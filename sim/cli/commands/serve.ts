/**
 * `mesosim serve`: a live master speaking the Mesos HTTP APIs (v1 scheduler
 * and operator APIs, v0 endpoints) over a simulated cluster paced to the wall
 * clock × --speed. The scenario's in-process frameworks run beside remote
 * ones. One log line with the URL goes to stderr at start; SIGINT/SIGTERM end
 * every open stream, close the server and exit (within a second).
 */

import { readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import { formatCount, LIMITS, LIMITS_DOC } from "../../../common/limits.js";
import { DEFAULT_AGENT_SHAPE, parseAgentShape } from "../../../frameworks/chameleon/flags.js";
import { type AuthOptions, parseCredentials } from "../../../master/http/index.js";
import { MAX_DECISION_CYCLES } from "../../control/decisions.js";
import { loadScenarioFile } from "../../scenario/load.js";
import type { Scenario } from "../../scenario/types.js";
import { validateScenario } from "../../scenario/validate.js";
import type { CliContext } from "../context.js";
import { parseSeedFlag } from "../flags.js";
import { serveUntilStopped } from "../serving.js";

export interface ServeFlags {
	host?: string;
	port?: string;
	scenario?: string;
	agents?: string;
	speed?: string;
	seed?: string;
	startTime?: string;
	webuiDir?: string;
	agentsOnMasterHost?: boolean;
	credentials?: string;
	authenticateFrameworks?: boolean;
	authenticateHttpReadwrite?: boolean;
	authenticateHttpReadonly?: boolean;
	decisions?: string;
}

export interface ServeOptions {
	host: string;
	port: number;
	speed: number;
	seed?: number;
	scenarioPath?: string;
	agents?: number;
	/** Unix time (ms) the simulated clock starts at; the wall clock at start when absent. */
	startTimeMs?: number;
	webuiDir?: string;
	agentsOnMasterHost: boolean;
	/** HTTP Basic authentication; absent: none. */
	auth?: AuthOptions;
	/** Record decisions from the start, keeping this many cycles (/sim/v1/decisions); absent: off. */
	decisions?: number;
}

export const DEFAULT_SERVE_AGENTS = 10;
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
	const out: ServeOptions = {
		host,
		port: Number(portText),
		speed,
		agentsOnMasterHost: flags.agentsOnMasterHost === true,
	};
	if (flags.seed !== undefined) out.seed = parseSeedFlag(flags.seed);
	if (flags.startTime !== undefined) out.startTimeMs = parseStartTime(flags.startTime);
	if (flags.webuiDir !== undefined) out.webuiDir = parseWebUiDir(flags.webuiDir);
	if (flags.decisions !== undefined) {
		const text = flags.decisions.trim();
		if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DECISION_CYCLES)
			badFlag("--decisions", text, `must be an integer from 1 to ${formatCount(MAX_DECISION_CYCLES)}`);
		out.decisions = Number(text);
	}
	if (flags.scenario !== undefined && flags.agents !== undefined) {
		throw simError("SIM_ERR_USAGE", {
			reason: "--scenario and --agents cannot be used together (see mesosim serve --help)",
		});
	}
	const auth = parseAuthFlags(flags);
	if (auth !== undefined) out.auth = auth;
	if (flags.scenario !== undefined) out.scenarioPath = flags.scenario;
	else {
		const text = (flags.agents ?? String(DEFAULT_SERVE_AGENTS)).trim();
		if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > LIMITS.agents) {
			badFlag("--agents", text, `must be an integer from 1 to ${formatCount(LIMITS.agents)} (${LIMITS_DOC})`);
		}
		out.agents = Number(text);
	}
	return out;
}

/**
 * --start-time: an ISO 8601 date ("2024-05-01T09:00:00Z"; without a zone it
 * is UTC) or Unix seconds ("1714554000", fractions allowed). Whole ms.
 */
export function parseStartTime(text: string): number {
	const t = text.trim();
	let ms: number;
	if (/^\d+(\.\d+)?$/.test(t)) ms = Math.round(Number(t) * 1000);
	else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(t)) {
		const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) || !/[T ]/.test(t) ? t : `${t}Z`;
		ms = Date.parse(zoned);
	} else ms = Number.NaN;
	if (!Number.isSafeInteger(ms) || ms < 0) {
		badFlag(
			"--start-time",
			text,
			"must be an ISO date (2024-05-01T09:00:00Z) or Unix seconds (1714554000), not before 1970",
		);
	}
	return ms;
}

function parseWebUiDir(text: string): string {
	const dir = text.trim();
	if (dir === "") badFlag("--webui-dir", text, "must name a directory");
	let isDir = false;
	try {
		isDir = statSync(dir).isDirectory();
	} catch {
		badFlag("--webui-dir", text, "no such directory");
	}
	if (!isDir) badFlag("--webui-dir", text, "is not a directory");
	return dir;
}

/** The agents of `--agents N`: the shape `mesosim run --agents` uses too. */
const AGENT_SHAPE = parseAgentShape(DEFAULT_AGENT_SHAPE);

/** N agents of DEFAULT_AGENT_SHAPE (8 cpus, 32 GB, 200 GB disk), ports [31000-32000]; no frameworks. */
/** --credentials and the --authenticate-* flags, as Mesos's master takes them. */
function parseAuthFlags(flags: ServeFlags): AuthOptions | undefined {
	const scopes = {
		frameworks: flags.authenticateFrameworks === true,
		readwrite: flags.authenticateHttpReadwrite === true,
		readonly: flags.authenticateHttpReadonly === true,
	};
	const any = scopes.frameworks || scopes.readwrite || scopes.readonly;
	if (flags.credentials === undefined) {
		if (any)
			throw simError("SIM_ERR_USAGE", {
				reason: "--authenticate-* needs --credentials FILE (the principals and their secrets)",
			});
		return undefined;
	}
	let text: string;
	try {
		text = readFileSync(flags.credentials, "utf8");
	} catch (err) {
		throw simError("SIM_ERR_CREDENTIALS", {
			path: flags.credentials,
			reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message,
		});
	}
	try {
		return { credentials: parseCredentials(text), ...scopes };
	} catch (err) {
		throw simError("SIM_ERR_CREDENTIALS", { path: flags.credentials, reason: (err as Error).message });
	}
}

/** Whether `host` is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
	if (host === "localhost") return true;
	if (isIP(host) === 4) return host.startsWith("127.");
	return host === "::1";
}

export function agentsScenario(count: number, seed = 1): Scenario {
	return validateScenario(
		{
			name: `serve-${count}-agents`,
			seed,
			agents: [{ group: "agent", count, ...AGENT_SHAPE, ports: "[31000-32000]" }],
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

/** Why listen() failed, with the fix from docs/errors.md (SIM_ERR_LISTEN). */

export function registerServe(program: Command, ctx: CliContext): void {
	program
		.command("serve")
		.description("run a live master with the Mesos HTTP APIs over a simulated cluster")
		.option("--host <host>", "address to listen on", "127.0.0.1")
		.option("--port <port>", "port to listen on (0: any free port)", "5050")
		.option("--scenario <file>", "scenario file: agents, roles, in-process frameworks, timeline")
		.option(
			"--agents <n>",
			`without --scenario: N agents of cpus/mem/disk ${DEFAULT_AGENT_SHAPE} MB, as run --agents (default ${DEFAULT_SERVE_AGENTS})`,
		)
		.option("--speed <x>", "simulated seconds per wall-clock second (remote clients: keep 1)", "1")
		.option("--seed <n>", "seed for every random stream (overrides the scenario's seed)")
		.option(
			"--start-time <date>",
			"Unix time the simulated clock starts at: ISO date or Unix seconds (default: now)",
		)
		.option("--webui-dir <dir>", "serve this directory as the web UI at / (e.g. Mesos's src/webui)")
		.option(
			"--agents-on-master-host",
			"agents report the master's hostname, so the stock web UI can open their pages",
		)
		.option(
			"--credentials <file>",
			"principals and secrets (Mesos's format: JSON or 'principal secret' lines)",
		)
		.option("--authenticate-frameworks", "HTTP Basic credentials required on the scheduler API")
		.option("--authenticate-http-readwrite", "credentials required on operator calls that change something")
		.option("--authenticate-http-readonly", "credentials required on read-only endpoints (all but /health)")
		.option(
			"--decisions <n>",
			"record why offers go where from the start, keeping the last N cycles (/sim/v1/decisions)",
		)
		.action(async (flags: ServeFlags) => {
			const opts = parseServeFlags(flags);
			const scenario = serveScenario(opts);
			const { liveDashboard } = await import("../../../web/server/index.js");
			await serveUntilStopped(
				ctx,
				{
					scenario,
					host: opts.host,
					port: opts.port,
					speed: opts.speed,
					...(opts.startTimeMs === undefined ? {} : { startTimeMs: opts.startTimeMs }),
					app: {
						agentsOnMasterHost: opts.agentsOnMasterHost,
						...(opts.webuiDir === undefined ? {} : { webuiDir: opts.webuiDir }),
					},
					...(opts.auth === undefined ? {} : { auth: opts.auth }),
					...(opts.decisions === undefined ? {} : { decisions: { maxCycles: opts.decisions } }),
					extensions: [liveDashboard],
				},
				(server, logger) => {
					const auth = opts.auth;
					if (!isLoopbackHost(opts.host) && (auth === undefined || !auth.frameworks || !auth.readwrite))
						logger.warn(
							{ host: opts.host },
							"listening beyond this machine without authentication: anyone who reaches the port can tear down frameworks and kill tasks (add --credentials FILE --authenticate-frameworks --authenticate-http-readwrite)",
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
				},
			);
		});
}
