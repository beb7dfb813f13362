/**
 * `mesosim chameleon --master URL (--package NAME | --spec FILE)`: the
 * chameleon as its own process, a Mesos v1 HTTP scheduler against a live
 * master — mesosim's (`mesosim serve`) or a real Apache Mesos master
 * (docs/real-mesos.md).
 *
 * Logs (pino, stderr): the subscription, every loss of it, and every
 * --stats-interval a line with offers, tasks and the driver's state. An
 * unreachable master is logged and retried with the driver's backoff (1 s
 * doubling to 60 s); only bad flags or a bad spec end the command (exit 2).
 * SIGINT/SIGTERM: stop and hang up, so the master keeps the framework for its
 * failover timeout (--teardown-on-exit removes it and its tasks instead).
 *
 * Restarts: --framework-id ID, or the id kept in --state-file PATH (written on
 * every SUBSCRIBED, read on start; sim/remote/state-file.ts), makes the new
 * process fail over to that framework, whose tasks the master kept running.
 * A master that has removed it meanwhile answers ERROR "Framework has been
 * removed"; the state file is then emptied, so the next start registers anew.
 */
import closeWithGrace from "close-with-grace";
import type { Command } from "commander";
import { isSimError, simError } from "../../../common/errors.js";
import { parseDuration } from "../../../common/schema/duration.js";
import { RngStreams } from "../../../engine/index.js";
import {
	type ChameleonConfig,
	type ChameleonFramework,
	createChameleon,
	frameworkFromFlag,
	resolveChameleonSpec,
} from "../../../frameworks/chameleon/index.js";
import { basicAuthorization, schedulerEndpoint } from "../../../frameworks/sdk/http/transport.js";
import type { Scheduler } from "../../../frameworks/sdk/scheduler.js";
import { loadChameleonSpec, readText } from "../../chameleon.js";
import { WallClockEngine } from "../../remote/clock.js";
import { RemoteFramework } from "../../remote/framework.js";
import {
	clearFrameworkState,
	type FrameworkState,
	readFrameworkState,
	StateFileError,
	writeFrameworkState,
} from "../../remote/state-file.js";
import type { CliContext } from "../context.js";
import { parseSeedFlag } from "../flags.js";

export interface ChameleonFlags {
	master?: string;
	package?: string;
	spec?: string;
	name?: string;
	seed?: string;
	role?: string;
	user?: string;
	failoverTimeout?: string;
	speed?: string;
	statsInterval?: string;
	teardownOnExit?: boolean;
	principal?: string;
	secretFile?: string;
	frameworkId?: string;
	stateFile?: string;
}

export interface ChameleonOptions {
	master: string;
	config: ChameleonConfig;
	seed: number;
	speed: number;
	statsIntervalMs: number;
	teardownOnExit: boolean;
	/** FrameworkInfo.principal, and with a secret the HTTP Basic credentials. */
	principal: string | null;
	/** "Basic ..." for masters with --authenticate_http_frameworks (basic authenticator). */
	authorization: string | null;
	/** The framework to fail over to (--framework-id, else the state file's), or null: a new one. */
	frameworkId: string | null;
	/** Where the framework id is kept across restarts (--state-file), or null. */
	stateFile: string | null;
}

/** ERROR's message for a framework id the master has removed (Master::validateFrameworkSubscription). */
const FRAMEWORK_REMOVED = "Framework has been removed";

/** A remote chameleon with no failover timeout of its own gets this one, so a restart can fail over. */
export const DEFAULT_REMOTE_FAILOVER_MS = 3_600_000;

function badFlag(flag: string, value: string, reason: string): never {
	throw simError("SIM_ERR_BAD_FLAG", { flag, value: JSON.stringify(value), reason });
}

function durationFlag(flag: string, value: string): number {
	try {
		return parseDuration(value);
	} catch (err) {
		if (!isSimError(err)) throw err;
		return badFlag(flag, value, String(err.details?.reason ?? err.message));
	}
}

/** Parses the flags and resolves the chameleon's spec. Throws SIM_ERR_BAD_FLAG / SIM_ERR_USAGE / spec errors. */
export function parseChameleonFlags(
	flags: ChameleonFlags,
	env: Readonly<Record<string, string | undefined>> = {},
): ChameleonOptions {
	if (flags.master === undefined) throw simError("SIM_ERR_USAGE", { reason: "--master URL is required" });
	try {
		schedulerEndpoint(flags.master);
	} catch (err) {
		badFlag("--master", flags.master, (err as Error).message);
	}
	if ((flags.package === undefined) === (flags.spec === undefined)) {
		throw simError("SIM_ERR_USAGE", {
			reason: "give exactly one of --package NAME and --spec FILE (see mesosim package list)",
		});
	}
	const seed = flags.seed === undefined ? 1 : parseSeedFlag(flags.seed);
	const speedText = (flags.speed ?? "1").trim();
	const speed = Number(speedText);
	if (speedText === "" || !Number.isFinite(speed) || speed <= 0 || speed > 1_000_000)
		badFlag("--speed", speedText, "must be a number greater than 0 (match the master's --speed)");
	const statsIntervalMs = durationFlag("--stats-interval", flags.statsInterval ?? "10s");
	if (statsIntervalMs <= 0) badFlag("--stats-interval", flags.statsInterval ?? "", "must be longer than 0");

	const overrides: Record<string, unknown> = {};
	if (flags.role !== undefined) overrides.role = flags.role;
	if (flags.user !== undefined) {
		if (flags.user.trim() === "") badFlag("--user", flags.user, "must not be empty");
		overrides.user = flags.user;
	}
	if (flags.failoverTimeout !== undefined)
		overrides.failoverTimeout = durationFlag("--failover-timeout", flags.failoverTimeout) / 1000;
	if (flags.name !== undefined && flags.name.trim() === "")
		badFlag("--name", flags.name, "must not be empty");

	let config: ChameleonConfig;
	if (flags.package !== undefined) {
		const { type: _type, name, ...raw } = frameworkFromFlag(flags.package);
		const alias = flags.name ?? String(name);
		config = resolveChameleonSpec({ ...raw, ...overrides }, alias, { sourceName: "--package" });
	} else {
		const path = flags.spec!;
		const base = loadChameleonSpec(path);
		config =
			Object.keys(overrides).length === 0 && flags.name === undefined
				? base
				: resolveChameleonSpec({ file: path, ...overrides }, flags.name ?? base.name, {
						readText,
						sourceName: path,
					});
	}
	if (flags.secretFile !== undefined && flags.principal === undefined)
		throw simError("SIM_ERR_USAGE", { reason: "--secret-file needs --principal" });
	if (flags.principal !== undefined && flags.principal.trim() === "")
		badFlag("--principal", flags.principal, "must not be empty");
	let authorization: string | null = null;
	const envSecret = env.MESOSIM_SECRET;
	if (
		flags.secretFile === undefined &&
		flags.principal !== undefined &&
		envSecret !== undefined &&
		envSecret !== ""
	)
		authorization = basicAuthorization(flags.principal, envSecret);
	if (flags.secretFile !== undefined) {
		let secret: string;
		try {
			secret = readText(flags.secretFile).replace(/\r?\n$/, "");
		} catch (err) {
			return badFlag("--secret-file", flags.secretFile, `cannot read it: ${(err as Error).message}`);
		}
		authorization = basicAuthorization(flags.principal!, secret);
	}
	if (flags.failoverTimeout === undefined && config.failoverTimeoutMs === 0)
		config = { ...config, failoverTimeoutMs: DEFAULT_REMOTE_FAILOVER_MS };
	if (flags.frameworkId !== undefined && flags.frameworkId.trim() === "")
		badFlag("--framework-id", flags.frameworkId, "must not be empty");
	const kept = flags.stateFile === undefined ? null : keptState(flags.stateFile, config.name);
	return {
		master: flags.master,
		config,
		seed,
		speed,
		statsIntervalMs,
		teardownOnExit: flags.teardownOnExit === true,
		principal: flags.principal ?? null,
		authorization,
		frameworkId: flags.frameworkId ?? kept?.frameworkId ?? null,
		stateFile: flags.stateFile ?? null,
	};
}

/** The state file's framework, checked to be this chameleon's (by name); null when there is none yet. */
function keptState(path: string, name: string): FrameworkState | null {
	let state: FrameworkState | null;
	try {
		state = readFrameworkState(path);
	} catch (err) {
		if (!(err instanceof StateFileError)) throw err;
		return badFlag("--state-file", path, err.message);
	}
	if (state !== null && state.name !== name)
		badFlag(
			"--state-file",
			path,
			`it keeps framework '${state.name}' (${state.frameworkId}), not '${name}': give each chameleon its own state file`,
		);
	return state;
}

/** One line's worth of numbers for the periodic log. */
export function statsLine(remote: RemoteFramework, chameleon: ChameleonFramework): Record<string, unknown> {
	const c = chameleon.stats();
	const d = remote.driver.stats();
	return {
		state: remote.driver.state,
		frameworkId: remote.driver.frameworkId,
		offers: c.offersReceived,
		accepted: c.offersAccepted,
		declined: c.offersDeclined,
		rescinded: c.offersRescinded,
		held: c.offersHeld,
		launched: c.tasksLaunched,
		running: c.running,
		finished: d.updates.TASK_FINISHED,
		failed: d.updates.TASK_FAILED,
		lost: d.updates.TASK_LOST + d.updates.TASK_DROPPED + d.updates.TASK_GONE,
		acks: d.acknowledgements,
		callErrors: d.callErrors,
		subscriptions: d.subscriptions,
	};
}

export function registerChameleon(program: Command, ctx: CliContext): void {
	program
		.command("chameleon")
		.description(
			"run the chameleon as its own process against a Mesos master (mesosim serve or Apache Mesos)",
		)
		.option("--master <url>", "the master, e.g. http://127.0.0.1:5050")
		.option(
			"--package <name>",
			"catalog package to impersonate: NAME or pattern:PATTERN (mesosim package list)",
		)
		.option("--spec <file>", "a chameleon spec file (YAML or JSON) instead of --package")
		.option("--name <alias>", "framework name (default: the package's or the spec's)")
		.option("--seed <n>", "seed of the chameleon's random stream", "1")
		.option("--role <role>", "run in this role instead of the spec's")
		.option("--user <user>", "FrameworkInfo.user: the Unix user tasks run as on the agents (default root)")
		.option(
			"--failover-timeout <duration>",
			"how long the master keeps the framework after a disconnect (default: the spec's, or 1h if it has none)",
		)
		.option(
			"--speed <x>",
			"simulated seconds per wall second: match the master's --speed (1 for real Mesos)",
			"1",
		)
		.option("--stats-interval <duration>", "how often to log a stats line", "10s")
		.option(
			"--teardown-on-exit",
			"on SIGINT/SIGTERM send TEARDOWN (kills its tasks) instead of disconnecting",
		)
		.option("--principal <name>", "FrameworkInfo.principal (masters with framework authentication or ACLs)")
		.option(
			"--framework-id <id>",
			"fail over to this framework (kept from an earlier run) instead of a new one",
		)
		.option(
			"--state-file <file>",
			"keep the framework id here (written on SUBSCRIBED, read on start) so a restart fails over to it",
		)
		.option(
			"--secret-file <file>",
			"with --principal: the secret, sent as HTTP Basic credentials (--authenticate_http_frameworks); or set MESOSIM_SECRET",
		)
		.action(async (flags: ChameleonFlags) => {
			const opts = parseChameleonFlags(flags, ctx.env);
			const logger = ctx.logger.child(
				{ framework: opts.config.name },
				{ level: ctx.env.MESOSIM_LOG_LEVEL ?? "info" },
			);
			const rng = new RngStreams(opts.seed).stream(`framework/${opts.config.name}`);
			const chameleon = createChameleon(opts.config, rng);
			const engine = new WallClockEngine({ speed: opts.speed });
			let lastLost = 0;
			// Watches the events on their way to the chameleon, for the log.
			const scheduler: Scheduler = {
				onStart: (c) => chameleon.onStart?.(c),
				onEvent: (event, c) => {
					if (event.type === "SUBSCRIBED") {
						const frameworkId = event.subscribed.framework_id.value;
						logger.info(
							{
								frameworkId,
								resumed: frameworkId === opts.frameworkId,
								heartbeatSeconds: event.subscribed.heartbeat_interval_seconds,
								master: remote.transport.url,
							},
							"subscribed",
						);
						keepState(() =>
							writeFrameworkState(opts.stateFile!, {
								frameworkId,
								name: opts.config.name,
								master: remote.transport.url,
							}),
						);
					} else if (event.type === "ERROR") {
						logger.error({ message: event.error.message }, "the master sent ERROR; not resubscribing");
						if (event.error.message === FRAMEWORK_REMOVED)
							keepState(() => clearFrameworkState(opts.stateFile!));
					}
					chameleon.onEvent(event, c);
				},
				onDisconnected: (c) => {
					const d = remote.driver.stats();
					if (d.disconnections !== lastLost) {
						lastLost = d.disconnections;
						if (remote.driver.state === "backoff")
							logger.warn(
								{ attempts: d.disconnections, frameworkId: remote.driver.frameworkId },
								"no subscription; retrying with backoff (1 s doubling to 60 s)",
							);
					}
					chameleon.onDisconnected?.(c);
				},
				onCallError: (call, result, c) => {
					logger.warn({ call: call.type, status: result.status, message: result.message }, "call refused");
					chameleon.onCallError?.(call, result, c);
				},
			};
			/** Runs a state-file update if there is a state file; a failure is logged, not fatal. */
			const keepState = (update: () => void) => {
				if (opts.stateFile === null) return;
				try {
					update();
				} catch (err) {
					logger.error(
						{ stateFile: opts.stateFile, err: (err as Error).message },
						"cannot write the state file",
					);
				}
			};
			const info = chameleon.frameworkInfo();
			const remote = new RemoteFramework({
				master: opts.master,
				scheduler,
				frameworkInfo: opts.principal === null ? info : { ...info, principal: opts.principal },
				...(opts.frameworkId === null ? {} : { frameworkId: opts.frameworkId }),
				rng,
				engine,
				logger,
				...(opts.authorization === null
					? {}
					: { transport: { headers: { Authorization: opts.authorization } } }),
			});
			logger.info(
				{
					master: remote.transport.url,
					package: opts.config.package,
					roles: opts.config.roles,
					user: opts.config.user,
					failoverTimeoutS: opts.config.failoverTimeoutMs / 1000,
					seed: opts.seed,
					failoverTo: opts.frameworkId,
				},
				"starting the chameleon",
			);
			const stats = setInterval(
				() => logger.info(statsLine(remote, chameleon), "stats"),
				opts.statsIntervalMs,
			);
			let stopping = false;
			closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
				if (stopping) return;
				stopping = true;
				clearInterval(stats);
				if (err !== undefined) logger.error({ err }, "stopping after an error");
				logger.info(
					{ signal, teardown: opts.teardownOnExit, ...statsLine(remote, chameleon) },
					opts.teardownOnExit
						? "stopping: TEARDOWN"
						: "stopping: disconnecting (the master keeps the framework for its failover timeout)",
				);
				await remote.stop({ teardown: opts.teardownOnExit });
				// Torn down, the framework is gone: a restart registers a new one.
				if (opts.teardownOnExit) keepState(() => clearFrameworkState(opts.stateFile!));
				engine.cancelAll();
			});
			remote.start();
			// closeWithGrace exits the process once stopped.
			await new Promise<never>(() => {});
		});
}
