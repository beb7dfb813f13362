/**
 * The chameleon's reason records in words (docs/explain.md): what it did with
 * an offer and why — which groups launched how much from it, which need or
 * constraint ruled it out, why it holds it. Everything here runs only while
 * someone records (FrameworkContext.explaining), so it may allocate freely;
 * nothing here changes what the framework does.
 */
import type { FrameworkReason } from "../../master/protocol/index.js";
import { formatSeconds } from "./commands.js";
import type { LiveTask, Need, Pattern, PoolOffer } from "./patterns/base.js";

/** One reason for one answer (or hold) of an offer. */
export interface Why {
	reason: FrameworkReason;
	detail: string;
}

/** Some offers and the reason they were answered (or held) as they were. */
export interface Explained {
	ids: readonly string[];
	why: Why;
}

/** A task's size: "1 cpus, 1024 MB mem" (disk, gpus and ports when asked for). */
export function needText(n: Need): string {
	let s = `${n.cpus} cpus, ${n.mem} MB mem`;
	if (n.disk > 0) s += `, ${n.disk} MB disk`;
	if (n.gpus > 0) s += `, ${n.gpus} gpus`;
	if (n.ports > 0) s += `, ${n.ports} ports`;
	return s;
}

/** What an offer has left: "3.5 cpus, 8192 MB mem, 100000 MB disk, 0 gpus, 1000 ports". */
export function haveText(h: PoolOffer["have"]): string {
	let ports = 0;
	for (const r of h.ports) ports += r.end - r.begin + 1;
	return `${h.cpus} cpus, ${h.mem} MB mem, ${h.disk} MB disk${h.gpus > 0 ? `, ${h.gpus} gpus` : ""}, ${ports} ports`;
}

/** The spread of several needs, dimension by dimension: "0.5 to 2 cpus, 512 MB mem". */
export function needRangeText(needs: readonly Need[]): string {
	const dims = [
		["cpus", " cpus"],
		["mem", " MB mem"],
		["disk", " MB disk"],
		["gpus", " gpus"],
		["ports", " ports"],
	] as const;
	const parts: string[] = [];
	for (const [key, unit] of dims) {
		let lo = Number.POSITIVE_INFINITY;
		let hi = Number.NEGATIVE_INFINITY;
		for (const n of needs) {
			lo = Math.min(lo, n[key]);
			hi = Math.max(hi, n[key]);
		}
		if (hi <= 0 && key !== "cpus" && key !== "mem") continue;
		parts.push(lo === hi ? `${lo}${unit}` : `${lo} to ${hi}${unit}`);
	}
	return parts.join(", ");
}

/** A moment ahead: "t=312.345 s, 283.1 s from now" (simulated ms as seconds). */
export function untilText(at: number, now: number): string {
	if (!Number.isFinite(at)) return "no time limit";
	return `t=${formatSeconds(at)} s, ${formatSeconds(at - now)} s from now`;
}

/** LAUNCHED: how many tasks of which groups went on the offer. */
export function launchedWhy(tasks: readonly LiveTask[]): Why {
	const byGroup = new Map<Pattern, LiveTask[]>();
	for (const t of tasks) {
		const list = byGroup.get(t.group);
		if (list === undefined) byGroup.set(t.group, [t]);
		else list.push(t);
	}
	const parts: string[] = [];
	for (const [g, list] of byGroup) {
		const ids = list.slice(0, 3).map((t) => t.id);
		if (list.length > 3) ids.push("…");
		// Tasks of one group may differ in size (trace rows, drawn sizes): their spread.
		const size = needRangeText(list.map((t) => t.req.need));
		parts.push(
			`${tasksText(list.length)} of group ${g.name} (${g.cfg.pattern}, ${size} each: ${ids.join(", ")})`,
		);
	}
	return { reason: "LAUNCHED", detail: parts.join("; ") };
}

export function tasksText(n: number): string {
	return `${n} task${n === 1 ? "" : "s"}`;
}

/**
 * One reason for several groups' answers about one offer: a constraint
 * (the more specific reason) when any group names one, else does-not-fit;
 * the detail names each group.
 */
export function combineWhys(byGroup: readonly { group: string; why: Why }[]): Why {
	if (byGroup.length === 1) return { reason: byGroup[0]!.why.reason, detail: byGroup[0]!.why.detail };
	const constrained = byGroup.some((g) => g.why.reason === "CONSTRAINT_NOT_MET");
	return {
		reason: constrained ? "CONSTRAINT_NOT_MET" : byGroup[0]!.why.reason,
		detail: byGroup.map((g) => `${g.group}: ${g.why.detail}`).join("; "),
	};
}

/**
 * Why an offer went unused while no group wants offers: suppressed, a
 * restart backoff under way, or simply nothing waiting.
 */
export function idleWhy(
	groups: readonly Pattern[],
	roles: readonly string[],
	suppressedSince: number | null,
	now: number,
): Why {
	const backoffs: string[] = [];
	for (const g of groups) {
		const w = g.restartsWaiting;
		if (w.count > 0)
			backoffs.push(
				`${g.name}: ${w.count} restart${w.count === 1 ? " waits" : "s wait"} out the backoff ` +
					`(the last until ${untilText(w.until, now)})`,
			);
	}
	if (backoffs.length > 0) return { reason: "BACKING_OFF", detail: backoffs.join("; ") };
	const state = groups
		.map((g) => (g.started ? `${g.name} ${g.live.size} live` : `${g.name} waits for group ${g.cfg.after}`))
		.join(", ");
	if (suppressedSince !== null)
		return {
			reason: "SUPPRESSED",
			detail: `roles ${roles.join(", ")} suppressed since t=${formatSeconds(suppressedSince)} s, no task waiting (${state})`,
		};
	return { reason: "NOTHING_PENDING", detail: `no task waiting (${state})` };
}

/** HOARDING: the hold policy keeps an offer nobody can use now. */
export function hoardingWhy(unused: Why, until: number, now: number, holdMs: number, jitterMs: number): Why {
	const policy = jitterMs > 0 ? `holdOffersMs ${holdMs} + up to ${jitterMs} ms` : `holdOffersMs ${holdMs}`;
	return {
		reason: "HOARDING",
		detail: `kept until ${untilText(until, now)} (${policy}); unused now, ${unused.reason}: ${unused.detail}`,
	};
}
