/**
 * A framework as its own process against a live master: the same
 * SchedulerDriver and Scheduler as in a simulation, over an HttpTransport,
 * on a WallClockEngine. Used by `mesosim chameleon`, the HTTP load benchmark
 * and the client tests.
 */

import type { Rng } from "../../engine/index.js";
import { SchedulerDriver } from "../../frameworks/sdk/driver.js";
import {
	HttpTransport,
	type HttpTransportOptions,
	type TransportLogger,
} from "../../frameworks/sdk/http/transport.js";
import type { Scheduler } from "../../frameworks/sdk/scheduler.js";
import type { FrameworkInfo } from "../../master/protocol/index.js";
import { WallClockEngine } from "./clock.js";

export interface RemoteFrameworkOptions {
	/** The master URL ("http://host:5050"). */
	master: string;
	scheduler: Scheduler;
	frameworkInfo: FrameworkInfo;
	/** Fail over to this framework (kept from an earlier process: --framework-id, --state-file). */
	frameworkId?: string;
	rng: Rng;
	/** Shared by several frameworks of one process, or made here (speed 1). */
	engine?: WallClockEngine;
	logger?: TransportLogger;
	/** Further transport options (timeouts, hooks). */
	transport?: Omit<HttpTransportOptions, "master" | "logger">;
	/** Driver backoff (default 1 s doubling to 60 s, as in simulations). */
	backoffMinMs?: number;
	backoffMaxMs?: number;
}

export interface StopOptions {
	/** Send TEARDOWN first (the master kills the tasks and forgets the framework). */
	teardown?: boolean;
	/** Wall ms to wait for the TEARDOWN answer (default 5000). */
	timeoutMs?: number;
}

export class RemoteFramework {
	readonly engine: WallClockEngine;
	readonly transport: HttpTransport;
	readonly driver: SchedulerDriver;
	readonly #ownsEngine: boolean;

	constructor(opts: RemoteFrameworkOptions) {
		this.#ownsEngine = opts.engine === undefined;
		this.engine = opts.engine ?? new WallClockEngine();
		this.transport = new HttpTransport({
			...opts.transport,
			master: opts.master,
			...(opts.logger === undefined ? {} : { logger: opts.logger }),
		});
		this.driver = new SchedulerDriver({
			engine: this.engine,
			transport: this.transport,
			scheduler: opts.scheduler,
			frameworkInfo: opts.frameworkInfo,
			...(opts.frameworkId === undefined ? {} : { frameworkId: opts.frameworkId }),
			rng: opts.rng,
			...(opts.backoffMinMs === undefined ? {} : { backoffMinMs: opts.backoffMinMs }),
			...(opts.backoffMaxMs === undefined ? {} : { backoffMaxMs: opts.backoffMaxMs }),
		});
	}

	start(): void {
		this.driver.start();
	}

	/**
	 * Stops the driver and hangs up. By default the master only sees the
	 * connection close: the framework stays for its failover_timeout and a new
	 * process may fail over to it. With `teardown` it is removed first.
	 */
	async stop(opts: StopOptions = {}): Promise<void> {
		if (opts.teardown === true && this.driver.frameworkId !== null) {
			this.driver.context.teardown();
			const deadline = Date.now() + (opts.timeoutMs ?? 5000);
			while (this.transport.pendingCalls > 0 && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 10));
			}
		}
		this.driver.stop();
		this.transport.dispose();
		if (this.#ownsEngine) this.engine.cancelAll();
	}
}

/** Resolves once `cond()` holds (polled every `stepMs`), or rejects after `timeoutMs` with `what`. */
export async function waitFor(
	cond: () => boolean,
	timeoutMs: number,
	what: string,
	stepMs = 10,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!cond()) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, stepMs));
	}
}
