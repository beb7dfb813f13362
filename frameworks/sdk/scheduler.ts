/**
 * What a framework implements (Scheduler) and what it may use (FrameworkContext).
 * A framework sees the master only through these: Events in, Calls out
 * (docs/architecture.md "Layers"). Time comes from the engine, randomness
 * from the framework's own Rng stream (docs/architecture.md "Determinism").
 */

import type { Rng, TimerHandle } from "../../engine/index.js";
import type {
	Call,
	Event,
	FrameworkInfo,
	FrameworkReason,
	Operation,
	TaskInfo,
	TaskStatus,
} from "../../master/protocol/index.js";
import type { ReconcileTask } from "./calls.js";
import type { CallFailure } from "./transport.js";

export interface FrameworkContext {
	/** Known after the first SUBSCRIBED; kept across disconnections. */
	readonly frameworkId: string | null;
	/** Simulated time in integer milliseconds. */
	now(): number;
	readonly rng: Rng;
	/** Runs `fn` after `delayMs` of simulated time. */
	after(delayMs: number, fn: () => void): TimerHandle;
	/** Cancels a timer; false if it already ran or was cancelled. */
	cancel(handle: TimerHandle): boolean;

	/** ACCEPT with the given operations; refuseSeconds filters the unused remainder. */
	accept(offerIds: readonly string[], operations: readonly Operation[], refuseSeconds?: number): void;
	/** ACCEPT with one LAUNCH operation. */
	launch(offerIds: readonly string[], tasks: readonly TaskInfo[], refuseSeconds?: number): void;
	decline(offerIds: readonly string[], refuseSeconds?: number): void;
	/** REVIVE; no roles = all roles. */
	revive(roles?: readonly string[]): void;
	/** SUPPRESS; no roles = all roles. */
	suppress(roles?: readonly string[]): void;
	kill(taskId: string, agentId?: string): void;
	/**
	 * ACKNOWLEDGE a status update. No-op when the status has no uuid (the master
	 * made it) or when the driver acknowledges automatically (the default).
	 */
	acknowledge(status: TaskStatus): void;
	/** RECONCILE; no tasks = implicit reconciliation. */
	reconcile(tasks?: readonly ReconcileTask[]): void;
	/** TEARDOWN: the framework ends; the driver will not resubscribe. */
	teardown(): void;
	message(agentId: string, executorId: string, data: string): void;
	updateFramework(info: FrameworkInfo, suppressedRoles?: readonly string[]): void;
	/** Sends a call as given (framework_id is not filled in). */
	call(call: Call): void;
	/** Whether someone records why (docs/explain.md): build explain()'s detail only then. */
	readonly explaining: boolean;
	/** Says why the framework did what it did with these offers (recorded only while explaining). */
	explain(offerIds: readonly string[], reason: FrameworkReason, detail: string): void;
}

export interface Scheduler {
	/** Every event the master sends, SUBSCRIBED and HEARTBEAT included, in order. */
	onEvent(event: Event, ctx: FrameworkContext): void;
	/**
	 * The roles a SUBSCRIBE about to be sent names in suppressed_roles: the
	 * framework is subscribed suppressed in them (undefined: the field is left out).
	 */
	suppressedRoles?(): readonly string[] | undefined;
	/** Once, when the driver starts, before the first SUBSCRIBE is sent. */
	onStart?(ctx: FrameworkContext): void;
	/** The subscription was lost (master closed it or refused SUBSCRIBE); the driver will retry. */
	onDisconnected?(ctx: FrameworkContext): void;
	/** The master refused a call (HTTP 4xx/5xx). */
	onCallError?(call: Call, result: CallFailure, ctx: FrameworkContext): void;
}
