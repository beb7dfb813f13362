/**
 * Task commands from a lifecycle draw. The chameleon emits only the shell
 * subset the simulated agent understands (agents/command.ts), so a task means
 * the same on a real Mesos agent:
 *
 *   finishes after 42.5 s        sleep 42.5
 *   fails after 12 s with 1      sleep 12 && exit 1
 *   runs until killed            sleep infinity
 *
 * A startup delay (image pull) cannot be said in a command; it travels in the
 * `mesosim.io/startup-delay-ms` label, which a real agent ignores.
 */
import type { Rng } from "../../engine/index.js";
import { sample } from "./dist.js";
import type { Lifecycle } from "./spec/index.js";

/** The agent's startup-delay label (agents/fleet.ts STARTUP_DELAY_LABEL). */
export const STARTUP_DELAY_LABEL = "mesosim.io/startup-delay-ms";

/** Milliseconds as seconds for `sleep`: 42500 -> "42.5", 1 -> "0.001". */
export function formatSeconds(ms: number): string {
	const whole = Math.max(0, Math.round(ms));
	const s = Math.floor(whole / 1000);
	const frac = whole % 1000;
	if (frac === 0) return String(s);
	return `${s}.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
}

/** The command for a run of `runMs` (null: forever), or a failure after `fail.afterMs`. */
export function taskCommand(runMs: number | null, fail: { afterMs: number; code: number } | null): string {
	if (fail !== null) return `sleep ${formatSeconds(fail.afterMs)} && exit ${fail.code}`;
	return runMs === null ? "sleep infinity" : `sleep ${formatSeconds(runMs)}`;
}

export interface TaskPlan {
	command: string;
	/** Drawn run time (null: forever); the failure time when `fails`. */
	runMs: number | null;
	fails: boolean;
	startupDelayMs: number;
}

/** Default failure time of a task that would otherwise run forever: U(1 s, 30 s). */
export const INFINITE_FAIL_AFTER = { min: 1000, max: 30_000 } as const;

/**
 * One task's fate, drawn from `rng`: run time, whether it fails and when,
 * startup delay. `override` fixes the run time (gang members share one).
 */
export function drawTaskPlan(lc: Lifecycle, rng: Rng, override?: { runMs: number | null }): TaskPlan {
	const runMs =
		override !== undefined ? override.runMs : lc.runFor === null ? null : Math.round(sample(lc.runFor, rng));
	const p = lc.failureProbability;
	const fails = p >= 1 ? true : p > 0 ? rng.bernoulli(p) : false;
	let failAt = 0;
	if (fails) {
		if (lc.failAfter !== null) failAt = Math.round(sample(lc.failAfter, rng));
		else if (runMs !== null) failAt = runMs;
		else failAt = Math.round(rng.uniform(INFINITE_FAIL_AFTER.min, INFINITE_FAIL_AFTER.max));
	}
	const startupDelayMs = Math.round(sample(lc.startupDelay, rng));
	return {
		command: taskCommand(runMs, fails ? { afterMs: failAt, code: lc.exitCode } : null),
		runMs: fails ? failAt : runMs,
		fails,
		startupDelayMs,
	};
}

/** Restart delay after `failures` consecutive failures (1 = the first): backoff × factor^(n−1), capped. */
export function backoffDelay(r: Lifecycle["restart"], failures: number): number {
	if (failures <= 0) return 0;
	const d = r.backoffMs * r.factor ** (failures - 1);
	return Math.round(Math.min(r.capMs, d));
}
