/**
 * The state a remote framework keeps across its own restarts: the framework
 * id the master gave it, so that a new process fails over to the framework
 * (and its running tasks) instead of registering a second one. A Mesos
 * scheduler must do this itself: the master keeps a disconnected framework
 * for its failover_timeout and forgets it after (docs/mesos-rules.md §5).
 *
 * One small JSON file, written whole (to a temporary file, then renamed) each
 * time the master confirms the subscription, so a crash mid-write leaves the
 * previous state.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";

export interface FrameworkState {
	/** FrameworkID.value from SUBSCRIBED. */
	frameworkId: string;
	/** FrameworkInfo.name: a state file is one framework's, not to be shared by two. */
	name: string;
	/** The scheduler endpoint it subscribed at (information only: a failed-over master keeps the id). */
	master: string;
}

/** Why a state file cannot be used (the caller names the flag). */
export class StateFileError extends Error {}

/** The state in `path`, or null when there is none yet (no file, or an empty one). */
export function readFrameworkState(path: string): FrameworkState | null {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
		throw new StateFileError(`cannot read it: ${(err as Error).message}`);
	}
	if (text.trim() === "") return null;
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new StateFileError(`not JSON: ${(err as Error).message}`);
	}
	const s = raw as Partial<Record<keyof FrameworkState, unknown>> | null;
	if (s === null || typeof s !== "object" || Array.isArray(s))
		throw new StateFileError("expected an object with frameworkId, name and master");
	for (const key of ["frameworkId", "name", "master"] as const) {
		if (typeof s[key] !== "string" || s[key] === "")
			throw new StateFileError(`field '${key}' must be a non-empty string`);
	}
	return { frameworkId: s.frameworkId as string, name: s.name as string, master: s.master as string };
}

/** Replaces the state in `path` at once (write a temporary file, rename it). */
export function writeFrameworkState(path: string, state: FrameworkState): void {
	const tmp = `${path}.${process.pid}.tmp`;
	writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
	renameSync(tmp, path);
}

/** Empties the state (the framework is gone: the next start registers a new one). */
export function clearFrameworkState(path: string): void {
	writeFileSync(path, "");
}
