/**
 * Decision records as short readable text (`mesosim explain`): one cycle,
 * one offer, one task, or one framework's fate in a cycle. Every number
 * printed is a field of a record; nothing is worked out again here.
 */
import { formatDuration } from "../../common/schema/duration.js";
import {
	type AgentVisit,
	type AnswerRecord,
	type CycleRecord,
	FRAMEWORK_REASONS,
	type FrameworkTry,
	type OfferWhy,
	PASS_REASONS,
	type ReasonRecord,
	type ResourceSummary,
	type RoleTry,
	type TaskWhy,
} from "../../master/index.js";

export interface TextOptions {
	/** Engine time of simulated time 0 (live masters: Unix ms), subtracted from every time shown. */
	originMs: number;
	/** At most this many agent visits of a cycle are shown in full (default 5). */
	maxVisits?: number;
}

/** "5 cpus, 13312 MB mem, 100 MB disk, 1 gpus, ports 31000-32000"; zero disk and gpus left out. */
export function formatResources(r: ResourceSummary): string {
	const parts = [`${r.cpus} cpus`, `${r.mem} MB mem`];
	if (r.disk > 0) parts.push(`${r.disk} MB disk`);
	if (r.gpus > 0) parts.push(`${r.gpus} gpus`);
	if (r.ports !== undefined && r.ports.length > 0) parts.push(`ports ${r.ports.join(",")}`);
	return parts.join(", ");
}

/** The part of an id after the master id: "O12" for "<master id>-O12", "S3" for an agent. */
export function shortId(id: string): string {
	const dash = id.lastIndexOf("-");
	return dash < 0 ? id : id.slice(dash + 1);
}

function at(ms: number, o: TextOptions): string {
	return formatDuration(Math.max(0, ms - o.originMs));
}

function share(x: number): string {
	return x.toFixed(4);
}

/** "eng/web  share 0.0010 (eng 0.0020)": a nested role is ordered by its ancestors' shares first. */
function roleShare(r: RoleTry): string {
	const path =
		r.path_shares === undefined
			? ""
			: ` (${r.path_shares.map((p) => `${p.role} ${share(p.share)}`).join(", ")})`;
	return `share ${share(r.share)}${path}`;
}

function passWords(verdict: FrameworkTry["verdict"] | RoleTry["verdict"]): string {
	if (verdict === "OFFERED") return "offered";
	if (verdict === "NO_FRAMEWORK") return "no framework of the role could take it";
	return PASS_REASONS[verdict];
}

function frameworkLine(f: FrameworkTry, o: TextOptions): string {
	let line = `${f.framework}  share ${share(f.share)} → ${f.verdict === "OFFERED" ? "OFFERED" : passWords(f.verdict)}`;
	if (f.filter !== undefined) {
		line += ` (until ${at(f.filter.until, o)}, refusing ${formatResources(f.filter.refused)}`;
		const by = f.filter.set_by;
		if (by !== null)
			line += `; set by ${by.call} of offer ${shortId(by.offer_id)} with refuse_seconds ${by.refuse_seconds}`;
		line += ")";
	}
	return line;
}

/** One agent visit: free resources, roles in the order tried, frameworks, the offers made. */
export function visitLines(v: AgentVisit, o: TextOptions, indent = "  "): string[] {
	const lines = [`${indent}Agent ${v.hostname} (${shortId(v.agent_id)}): free ${formatResources(v.free)}`];
	if (v.skipped !== undefined) {
		lines.push(`${indent}  not offered: ${PASS_REASONS[v.skipped]}`);
		return lines;
	}
	if (v.roles.length === 0) {
		lines.push(`${indent}  no role has a framework that wants offers`);
		return lines;
	}
	lines.push(`${indent}  roles in the order tried (weighted dominant share):`);
	v.roles.forEach((r, i) => {
		let head = `${indent}    ${i + 1}. ${r.role}  ${roleShare(r)}  weight ${r.weight} → ${passWords(r.verdict)}`;
		if (r.capped_by !== undefined && r.offerable !== undefined)
			head += ` (capped by ${r.capped_by}'s quota to ${formatResources(r.offerable)})`;
		lines.push(head);
		for (const f of r.frameworks) lines.push(`${indent}         ${frameworkLine(f, o)}`);
		if (r.frameworks_not_listed !== undefined)
			lines.push(
				`${indent}         … and ${r.frameworks_not_listed} more frameworks: nothing left on the agent`,
			);
	});
	if (v.roles_not_listed !== undefined)
		lines.push(`${indent}    … and ${v.roles_not_listed} more roles: nothing left on the agent`);
	for (const offer of v.offers)
		lines.push(
			`${indent}  offer ${shortId(offer.offer_id)} to ${offer.framework} (role ${offer.role}): ${formatResources(offer.resources)}`,
		);
	return lines;
}

export function cycleText(c: CycleRecord, o: TextOptions, onlyAgent?: string): string {
	const offers = c.visits.reduce((n, v) => n + v.offers.length, 0);
	const lines = [
		`Cycle ${c.cycle} at ${at(c.time, o)} (${c.sorter.toUpperCase()} sorter): ${c.visits.length} agent${c.visits.length === 1 ? "" : "s"} visited, ${offers} offer${offers === 1 ? "" : "s"} made`,
	];
	for (const x of c.ineligible)
		lines.push(`  not taking part: ${x.framework} (role ${x.role}): ${PASS_REASONS[x.reason]}`);
	const visits = onlyAgent === undefined ? c.visits : c.visits.filter((v) => matchesAgent(v, onlyAgent));
	const max = o.maxVisits ?? 5;
	for (const v of visits.slice(0, max)) lines.push(...visitLines(v, o));
	if (visits.length > max)
		lines.push(`  … and ${visits.length - max} more visits (--agent HOST shows one, --json all of them)`);
	return `${lines.join("\n")}\n`;
}

export function matchesAgent(v: AgentVisit, agent: string): boolean {
	return v.hostname === agent || v.agent_id === agent || shortId(v.agent_id) === agent;
}

function answerLines(
	a: AnswerRecord | null,
	reasons: readonly ReasonRecord[],
	framework: string,
	o: TextOptions,
): string[] {
	const lines: string[] = [];
	if (a === null) lines.push(`${framework} has not answered it (still outstanding, rescinded or timed out)`);
	else {
		let line = `${framework}'s answer at ${at(a.time, o)}: ${a.call}`;
		if (a.task_ids.length > 0) line += `, launching ${a.task_ids.join(", ")}`;
		if (a.filter_until !== null)
			line += `; the unused rest is filtered until ${at(a.filter_until, o)} (refuse_seconds ${a.refuse_seconds ?? "unset: 5"})`;
		else if (a.refuse_seconds === 0) line += "; no filter (refuse_seconds 0)";
		lines.push(line);
	}
	for (const r of reasons)
		lines.push(
			`${r.framework} says: ${FRAMEWORK_REASONS[r.reason]}${r.detail === "" ? "" : ` — ${r.detail}`}`,
		);
	return lines;
}

/** Why the offer went to its framework: who came before it and why they did not get it. */
export function offerText(why: OfferWhy, o: TextOptions): string {
	const { offer, visit } = why;
	const lines = [
		`Offer ${shortId(offer.offer_id)}: ${formatResources(offer.resources)} of ${visit.hostname} to ${offer.framework} (role ${offer.role}), in cycle ${why.cycle} at ${at(why.time, o)}`,
	];
	const roleIdx = visit.roles.findIndex((r) => r.verdict === "OFFERED" && r.role === offer.role);
	const before = visit.roles.slice(0, Math.max(0, roleIdx));
	if (before.length === 0) {
		const after = visit.roles.slice(roleIdx + 1).map((r) => `${r.role} ${roleShare(r)}`);
		const first = visit.roles[roleIdx];
		lines.push(
			`Why role ${offer.role}: it came first in the order, with the lowest weighted dominant share (${offer.role} ${first === undefined ? "" : roleShare(first)}${after.length > 0 ? `; then ${after.join("; ")}` : ""}).`,
		);
	} else {
		const chosen = visit.roles[roleIdx];
		lines.push(
			`Why role ${offer.role} (${chosen === undefined ? "" : roleShare(chosen)}): the roles before it did not take it:`,
		);
		for (const r of before) lines.push(`  ${r.role} (${roleShare(r)}): ${passWords(r.verdict)}`);
	}
	const role = visit.roles[roleIdx];
	if (role !== undefined) {
		const fwIdx = role.frameworks.findIndex((f) => f.verdict === "OFFERED");
		const passed = role.frameworks.slice(0, Math.max(0, fwIdx));
		if (passed.length === 0)
			lines.push(
				`Why ${offer.framework}: first eligible framework of the role (share ${share(role.frameworks[fwIdx]?.share ?? 0)}).`,
			);
		else {
			lines.push(`Why ${offer.framework}: the frameworks before it were passed over:`);
			for (const f of passed) lines.push(`  ${frameworkLine(f, o)}`);
		}
	}
	lines.push(...answerLines(why.answer, why.reasons, offer.framework, o));
	return `${lines.join("\n")}\n`;
}

export function taskText(why: TaskWhy, o: TextOptions): string {
	const a = why.answer;
	const lines = [
		`Task ${why.task_id} was launched by ${a.framework} at ${at(a.time, o)} with ${a.call} of ${a.offer_ids.map(shortId).join(", ")}.`,
	];
	for (const offer of why.offers) lines.push("", offerText(offer, o).trimEnd());
	return `${lines.join("\n")}\n`;
}

/** What became of one framework in each visit of a cycle, counted, with the first few in full. */
export function frameworkText(
	c: CycleRecord,
	framework: string,
	frameworkRoles: readonly string[],
	o: TextOptions,
): string {
	const lines = [`${framework} in cycle ${c.cycle} at ${at(c.time, o)}:`];
	for (const x of c.ineligible)
		if (x.framework === framework)
			lines.push(`  took part in no visit (role ${x.role}): ${PASS_REASONS[x.reason]}`);
	// A role skipped or not reached lists no frameworks: the framework's fate there is the role's.
	const roles = new Set(frameworkRoles);
	const counts = new Map<string, number>();
	const examples: string[] = [];
	let shown = 0;
	for (const v of c.visits) {
		let fate: string | null = null;
		for (const r of v.roles) {
			const f = r.frameworks.find((x) => x.framework === framework);
			if (f !== undefined) {
				fate = f.verdict === "OFFERED" ? "offered" : passWords(f.verdict);
				// What min_allocatable saw may be what a quota limit left: say so.
				if (f.verdict === "MIN_ALLOCATABLE" && r.capped_by !== undefined)
					fate += ` after ${r.capped_by}'s quota cap`;
			} else if (fate === null && roles.has(r.role) && r.frameworks.length === 0) fate = passWords(r.verdict);
		}
		if (fate === null) continue;
		counts.set(fate, (counts.get(fate) ?? 0) + 1);
		if (shown++ < 3) examples.push(...visitLines(v, o, "    "));
	}
	if (counts.size === 0)
		lines.push("  was not tried on any agent visited in this cycle (see the roles' order below)");
	for (const [fate, n] of counts) lines.push(`  ${fate}: ${n} agent${n === 1 ? "" : "s"}`);
	if (examples.length > 0) lines.push("  first visits:", ...examples);
	else for (const v of c.visits.slice(0, o.maxVisits ?? 5)) lines.push(...visitLines(v, o, "    "));
	return `${lines.join("\n")}\n`;
}
