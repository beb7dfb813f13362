/**
 * What `mesosim serve` and `mesosim demo` share: start the live master
 * (sim/runner/live.ts), turn a failure to listen into SIM_ERR_LISTEN (and
 * only that: any other failure is what it is), stop
 * cleanly on SIGINT/SIGTERM (every stream ended, the server closed, exit 0
 * within a second), then announce the URL, and serve until stopped.
 *
 * Started through npm (`npx mesosim serve`, `npm run …`), the server is not
 * npm's child but its grandchild: npm runs the bin through `sh -c`, forwards
 * SIGTERM to that shell only, and the shell dies without passing it on. So
 * under npm the server also watches its parent: once the parent is gone (the
 * process was re-parented) it shuts down exactly as on SIGTERM.
 */
import closeWithGrace from "close-with-grace";
import type { FastifyBaseLogger } from "fastify";
import type { Logger } from "pino";
import { isSimError, SIM_ERRORS, simError } from "../../common/errors.js";
import type { AuthOptions } from "../../master/http/index.js";
import type { LiveAppOptions, LiveExtension, LiveServer } from "../runner/live.js";
import type { Scenario } from "../scenario/index.js";
import type { CliContext } from "./context.js";

export interface ServingOptions {
	scenario: Scenario;
	host: string;
	port: number;
	speed: number;
	startTimeMs?: number;
	app?: LiveAppOptions;
	/** HTTP Basic authentication (master/http/auth.ts); none by default. */
	auth?: AuthOptions;
	/** Routes of layers above the driver (the dashboard: web/server liveDashboard). */
	extensions?: readonly LiveExtension[];
}

/** Wall ms the shutdown may take before the process exits anyway (exit code 1). */
const SHUTDOWN_GRACE_MS = 1000;
/** Wall ms between looks at the parent process (under npm). */
const PARENT_POLL_MS = 500;

/**
 * Starts the live master, installs the signal handlers, calls `announce` (a
 * client may act on the URL at once), and never returns: close-with-grace
 * exits the process once the server is closed.
 */
export async function serveUntilStopped(
	ctx: CliContext,
	o: ServingOptions,
	announce: (server: LiveServer, logger: Logger) => void,
): Promise<never> {
	const logger = ctx.logger.child({}, { level: ctx.env.MESOSIM_LOG_LEVEL ?? "info" });
	const { startLive } = await import("../runner/live.js");
	let server: LiveServer;
	try {
		server = await startLive({
			scenario: o.scenario,
			host: o.host,
			port: o.port,
			speed: o.speed,
			...(o.startTimeMs === undefined ? {} : { startTimeMs: o.startTimeMs }),
			...(o.app === undefined ? {} : { app: o.app }),
			...(o.auth === undefined ? {} : { auth: o.auth }),
			...(o.extensions === undefined ? {} : { extensions: o.extensions }),
			// fastify's own info lines ("Server listening at") stay quiet: one line announces the URL.
			logger: logger.child(
				{},
				{ level: ctx.env.MESOSIM_LOG_LEVEL ?? "warn" },
			) as unknown as FastifyBaseLogger,
		});
	} catch (err) {
		if (!isListenFailure(err))
			throw isSimError(err)
				? err
				: simError("SIM_ERR_INTERNAL", { reason: (err as Error).message ?? String(err) }, { cause: err });
		throw simError(
			"SIM_ERR_LISTEN",
			{ address: `${o.host}:${o.port}`, reason: listenFailure(err, o.port) },
			{ cause: err },
		);
	}
	const grace = closeWithGrace(
		{ delay: SHUTDOWN_GRACE_MS, logger: { error: (m: unknown) => logger.error(String(m)) } },
		async ({ signal, err }) => {
			if (err !== undefined) logger.error({ err }, "shutting down after an error");
			else logger.info({ signal: signal ?? "parent gone" }, "shutting down");
			await server.close();
		},
	);
	if (startedByNpm(ctx.env)) watchParent(() => void grace.close());
	announce(server, logger);
	return new Promise<never>(() => {});
}

/** npm sets npm_command (exec, run, …) in the environment of what it runs. */
function startedByNpm(env: CliContext["env"]): boolean {
	return env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
}

/** Calls `onGone` once the parent process has gone (this process was re-parented). */
function watchParent(onGone: () => void): void {
	const parent = process.ppid;
	const timer = setInterval(() => {
		if (process.ppid === parent) return;
		clearInterval(timer);
		onGone();
	}, PARENT_POLL_MS);
	timer.unref();
}

/** Node's errors from binding a socket: listen(2) itself, or resolving the host to listen on. */
function isListenFailure(err: unknown): boolean {
	const e = err as NodeJS.ErrnoException | null;
	return e?.syscall === "listen" || e?.syscall === "getaddrinfo" || LISTEN_CODES.has(e?.code ?? "");
}
const LISTEN_CODES = new Set(["EADDRINUSE", "EACCES", "EADDRNOTAVAIL", "ENOTFOUND"]);

/** Why listening failed, with the port, the error code and the fix from docs/errors.md. */
function listenFailure(err: unknown, port: number): string {
	const e = err as NodeJS.ErrnoException;
	const what =
		e.code === "EADDRINUSE"
			? `port ${port} is in use (EADDRINUSE)`
			: e.code === "EACCES"
				? `port ${port} needs privileges (EACCES)`
				: (e.code ?? e.message);
	return `${what}. ${SIM_ERRORS.SIM_ERR_LISTEN.fix} (SIM_ERR_LISTEN in docs/errors.md)`;
}
