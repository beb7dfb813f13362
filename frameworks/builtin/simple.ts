/**
 * The simple built-in framework: runs `tasks.count` identical command tasks.
 *
 * On each offer it packs as many pending tasks as fit, one after another
 * (cpus, mem, disk, gpus and the first free ports subtracted from what is
 * left), at most `maxPerOffer` (0 = no limit), and launches them with one
 * ACCEPT (LAUNCH) per offer whose filter refuses the unused remainder for
 * `declineRefuseSeconds`. Offers it cannot use are declined, in one DECLINE
 * per OFFERS event, with the same refuse_seconds. With nothing pending it
 * SUPPRESSes its role once; a task to relaunch REVIVEs it. With `relaunch`, a
 * task that reaches a terminal state (isTerminalState: FINISHED, FAILED,
 * KILLED, ERROR, LOST, DROPPED, GONE, GONE_BY_OPERATOR) is replaced by a new
 * task with a new id. Task ids are `<name>-<n>`, n counting from 0.
 * After a resubscription it reconciles its live tasks explicitly.
 * With `suppressedRoles` holding its role it first subscribes suppressed and
 * waits for a REVIVE (its own for a replacement task, or one sent for it);
 * `offerFilters` become FrameworkInfo.offer_filters.
 */
import {
	type Event,
	type FrameworkCapabilityType,
	type FrameworkInfo,
	fixed,
	isTerminalState,
	type Offer,
	rangesSubtract,
	type TaskInfo,
	type TaskState,
} from "../../master/protocol/index.js";
import { emptyStateCounts } from "../sdk/driver.js";
import { type OfferFiltersSpec, offerFiltersInfo } from "../sdk/offer-filters.js";
import type { FrameworkContext, Scheduler } from "../sdk/scheduler.js";
import { fits, offerQuantities, offerRole, pickPorts, taskInfo } from "../sdk/tasks.js";

export interface SimpleTaskConfig {
	/** Tasks to run (replacements not counted). */
	count: number;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	/** Ports per task. */
	ports: number;
	/** Shell command, e.g. "sleep 30" or "sleep infinity". */
	command: string;
	/** Most tasks launched on one offer; 0 = no limit. */
	maxPerOffer: number;
	/** Replace a task that reaches a terminal state. */
	relaunch: boolean;
}

export interface SimpleFrameworkConfig {
	name: string;
	role: string;
	user: string;
	failoverTimeoutSec: number;
	partitionAware: boolean;
	checkpoint: boolean;
	/** refuse_seconds on declines and on the unused part of accepted offers. */
	declineRefuseSeconds: number;
	tasks: SimpleTaskConfig;
	/** FrameworkInfo.offer_filters in the friendly form (none by default). */
	offerFilters?: OfferFiltersSpec;
	/** Roles named in suppressed_roles at the first SUBSCRIBE (none by default). */
	suppressedRoles?: readonly string[];
}

export const SIMPLE_FRAMEWORK_DEFAULTS: SimpleFrameworkConfig = {
	name: "simple",
	role: "*",
	user: "root",
	failoverTimeoutSec: 0,
	partitionAware: false,
	checkpoint: false,
	declineRefuseSeconds: 5,
	tasks: {
		count: 1,
		cpus: 0.1,
		mem: 32,
		disk: 0,
		gpus: 0,
		ports: 0,
		command: "sleep 10",
		maxPerOffer: 0,
		relaunch: false,
	},
};

export interface SimpleFrameworkStats {
	/** TaskInfos launched, replacements included. */
	launched: number;
	/** Replacements queued for tasks that ended (relaunch = true). */
	relaunched: number;
	/** Tasks still waiting for an offer. */
	pending: number;
	/** Whether the framework's last word on its role was SUPPRESS. */
	suppressed: boolean;
	/** Live tasks by id with their latest state (a copy, in launch order). */
	live: Map<string, TaskState>;
	/** Tasks that reached a terminal state, by that state. */
	ended: Record<TaskState, number>;
}

export type SimpleFramework = Scheduler & {
	frameworkInfo(): FrameworkInfo;
	stats(): SimpleFrameworkStats;
};

export function createSimpleFramework(config: SimpleFrameworkConfig): SimpleFramework {
	const t = config.tasks;
	const limit = t.maxPerOffer > 0 ? t.maxPerOffer : Number.POSITIVE_INFINITY;
	const live = new Map<string, TaskState>();
	const ended = emptyStateCounts();
	let pending = Math.max(0, Math.floor(t.count));
	let counter = 0;
	let launched = 0;
	let relaunched = 0;
	let suppressed = false;
	let subscriptions = 0;
	const subscribeSuppressed = config.suppressedRoles ?? [];
	/** Subscribed suppressed and not revived since: the first offers mean someone revived it. */
	let waitingForRevive = false;

	function frameworkInfo(): FrameworkInfo {
		const capabilities: { type: FrameworkCapabilityType }[] = [{ type: "MULTI_ROLE" }];
		if (config.partitionAware) capabilities.push({ type: "PARTITION_AWARE" });
		if (t.gpus > 0) capabilities.push({ type: "GPU_RESOURCES" });
		const info: FrameworkInfo = {
			user: config.user,
			name: config.name,
			roles: [config.role],
			failover_timeout: config.failoverTimeoutSec,
			checkpoint: config.checkpoint,
			capabilities,
		};
		const offerFilters = offerFiltersInfo(config.offerFilters ?? {});
		if (offerFilters !== undefined) info.offer_filters = offerFilters;
		return info;
	}

	function maybeSuppress(ctx: FrameworkContext): void {
		if (pending === 0 && !suppressed) {
			suppressed = true;
			ctx.suppress([config.role]);
		}
	}

	/** Tasks packed into this offer (pending and live are updated). */
	function pack(offer: Offer): TaskInfo[] {
		const tasks: TaskInfo[] = [];
		const have = offerQuantities(offer);
		const role = offerRole(offer) ?? config.role;
		const need = { cpus: t.cpus, mem: t.mem, disk: t.disk, gpus: t.gpus };
		while (pending > 0 && tasks.length < limit && fits(have, need, t.ports)) {
			const ports = pickPorts(have.ports, t.ports) ?? [];
			have.cpus = fixed(have.cpus - t.cpus);
			have.mem = fixed(have.mem - t.mem);
			have.disk = fixed(have.disk - t.disk);
			have.gpus = fixed(have.gpus - t.gpus);
			have.ports = rangesSubtract(have.ports, ports);
			const id = `${config.name}-${counter++}`;
			tasks.push(
				taskInfo({
					id,
					name: id,
					agentId: offer.agent_id.value,
					cpus: t.cpus,
					mem: t.mem,
					disk: t.disk,
					gpus: t.gpus,
					ports,
					command: t.command,
					role,
				}),
			);
			live.set(id, "TASK_STAGING");
			pending--;
			launched++;
		}
		return tasks;
	}

	function onOffers(offers: readonly Offer[], ctx: FrameworkContext): void {
		if (waitingForRevive) {
			waitingForRevive = false;
			suppressed = false;
		}
		const unused: string[] = [];
		for (const offer of offers) {
			const waiting = pending;
			const tasks = pack(offer);
			if (tasks.length > 0) {
				if (ctx.explaining) explainLaunch(offer, tasks.length, ctx);
				ctx.launch([offer.id.value], tasks, config.declineRefuseSeconds);
			} else {
				unused.push(offer.id.value);
				if (ctx.explaining) explainUnused(offer, waiting, ctx);
			}
		}
		if (unused.length > 0) ctx.decline(unused, config.declineRefuseSeconds);
		maybeSuppress(ctx);
	}

	function explainLaunch(offer: Offer, count: number, ctx: FrameworkContext): void {
		const each = `${t.cpus} cpus, ${t.mem} MB mem`;
		const cap = count === limit ? ` (at most ${limit} per offer)` : "";
		ctx.explain([offer.id.value], "LAUNCHED", `${count} task${count === 1 ? "" : "s"} of ${each}${cap}`);
	}

	function explainUnused(offer: Offer, waiting: number, ctx: FrameworkContext): void {
		if (waiting === 0) {
			ctx.explain([offer.id.value], "NOTHING_PENDING", "all tasks launched");
			return;
		}
		const have = offerQuantities(offer);
		ctx.explain(
			[offer.id.value],
			"DOES_NOT_FIT",
			`a task needs ${t.cpus} cpus, ${t.mem} MB mem${t.disk > 0 ? `, ${t.disk} MB disk` : ""}` +
				`${t.gpus > 0 ? `, ${t.gpus} gpus` : ""}${t.ports > 0 ? `, ${t.ports} ports` : ""}; ` +
				`the offer has ${have.cpus} cpus, ${have.mem} MB mem${have.disk > 0 ? `, ${have.disk} MB disk` : ""}` +
				`${have.gpus > 0 ? `, ${have.gpus} gpus` : ""}`,
		);
	}

	function onUpdate(taskId: string, state: TaskState, ctx: FrameworkContext): void {
		if (!live.has(taskId)) return; // unknown, or already ended (a repeated terminal update)
		if (!isTerminalState(state)) {
			live.set(taskId, state);
			return;
		}
		live.delete(taskId);
		ended[state]++;
		if (!t.relaunch) return;
		pending++;
		relaunched++;
		if (suppressed) {
			suppressed = false;
			waitingForRevive = false;
			ctx.revive([config.role]);
		}
	}

	return {
		frameworkInfo,
		suppressedRoles(): readonly string[] | undefined {
			return subscriptions === 0 && subscribeSuppressed.length > 0 ? subscribeSuppressed : undefined;
		},
		onEvent(event: Event, ctx: FrameworkContext): void {
			switch (event.type) {
				case "SUBSCRIBED":
					// A (re)subscription without suppressed_roles leaves the role unsuppressed.
					suppressed = subscriptions === 0 && subscribeSuppressed.includes(config.role);
					waitingForRevive = suppressed;
					if (subscriptions++ > 0 && live.size > 0) {
						ctx.reconcile([...live.keys()].map((taskId) => ({ taskId })));
					}
					maybeSuppress(ctx);
					return;
				case "OFFERS":
					onOffers(event.offers.offers, ctx);
					return;
				case "UPDATE":
					onUpdate(event.update.status.task_id.value, event.update.status.state, ctx);
					return;
				default:
					return;
			}
		},
		stats(): SimpleFrameworkStats {
			return { launched, relaunched, pending, suppressed, live: new Map(live), ended: { ...ended } };
		},
	};
}
