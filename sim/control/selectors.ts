/**
 * Agent selectors: which agents of a simulation an action hits. Filters
 * narrow the pool (group, attribute `name=value`, ids, hostnames); then at
 * most one picker chooses from it (indices within the pool, a count or a
 * fraction drawn with the seeded `faults` stream); with no picker every agent
 * of the pool is chosen.
 *
 * Strict mode (the live API) refuses a name that does not exist (404 with
 * close matches) and a selector that matches nothing (400 naming the field);
 * lenient mode (a scenario's timeline, checked when the file was loaded)
 * keeps what matches.
 */
import { suggestion } from "../../common/suggest.js";
import type { Attribute } from "../../master/protocol/messages.js";
import type { Simulation } from "../runner/build.js";
import type { AgentSelector } from "../scenario/index.js";
import { badControl, notFound } from "./errors.js";

function attributeText(a: Attribute): string {
	if (a.type === "SCALAR") return String(a.scalar?.value);
	if (a.type === "TEXT") return a.text?.value ?? "";
	return "";
}

/** Fleet indices of the agents a selector names, in fleet order. */
export function selectAgents(sim: Simulation, sel: AgentSelector | undefined, strict = false): number[] {
	let pool: number[] = [];
	if (sel?.group !== undefined && strict && !sim.groups.has(sel.group))
		throw notFound(`unknown agent group "${sel.group}"${suggestion(sel.group, sim.groups.keys())}`);
	const ranges =
		sel?.group !== undefined ? (sim.groups.get(sel.group) ?? []) : [...sim.groups.values()].flat();
	for (const r of ranges) for (let i = 0; i < r.count; i++) pool.push(r.first + i);
	const fleet = sim.fleet;
	if (sel?.attribute !== undefined) {
		const eq = sel.attribute.indexOf("=");
		const name = sel.attribute.slice(0, eq);
		const value = sel.attribute.slice(eq + 1);
		pool = pool.filter((local) =>
			fleet.spec(local).attributes.some((a) => a.name === name && attributeText(a) === value),
		);
		if (strict && pool.length === 0) throw badControl(`agents.attribute: no agent has ${name}=${value}`);
	}
	if (sel?.ids !== undefined) {
		const want = new Set<number>();
		for (const id of sel.ids) {
			const local = fleet.localOf(id);
			if (local < 0 && strict) {
				const known: string[] = [];
				for (const l of pool) known.push(fleet.agentId(l) ?? "");
				throw notFound(`unknown agent "${id}"${suggestion(id, known)}`);
			}
			want.add(local);
		}
		pool = pool.filter((l) => want.has(l));
	}
	if (sel?.hostnames !== undefined) {
		const byName = new Map(pool.map((l) => [fleet.hostname(l), l]));
		const want = new Set<number>();
		for (const h of sel.hostnames) {
			const local = byName.get(h);
			if (local === undefined) {
				if (strict) throw notFound(`unknown agent hostname "${h}"${suggestion(h, byName.keys())}`);
				continue;
			}
			want.add(local);
		}
		pool = pool.filter((l) => want.has(l));
	}
	if (sel?.indices !== undefined) {
		if (strict) {
			const bad = sel.indices.find((i) => i >= pool.length);
			if (bad !== undefined)
				throw badControl(`agents.indices: index ${bad} is out of range (${pool.length} agents match)`);
		}
		return sel.indices.filter((i) => i >= 0 && i < pool.length).map((i) => pool[i]!);
	}
	let n = pool.length;
	if (sel?.count !== undefined) {
		if (strict && sel.count > pool.length)
			throw badControl(`agents.count: ${sel.count} agents asked for, but ${pool.length} match`);
		n = Math.min(sel.count, pool.length);
	} else if (sel?.fraction !== undefined) n = Math.min(pool.length, Math.ceil(sel.fraction * pool.length));
	if (n < pool.length) {
		const rng = sim.streams.stream("faults");
		pool = rng
			.shuffle(pool.slice())
			.slice(0, n)
			.sort((a, b) => a - b);
	}
	if (strict && pool.length === 0) throw badControl("agents: the selector matches no agent");
	return pool;
}
