/**
 * Roles as /master/roles and GET_ROLES see them: which roles are listed
 * (Master::knownRoles), the resources allocated and offered to each role's
 * subtree (src/master/master.cpp: RoleResourceBreakdown), quota limits, and
 * the name order every role listing uses.
 */
import type { Master } from "../../master.js";
import type { Range } from "../../protocol/messages.js";
import { emptyQuantities, SCALAR_NAMES } from "../../protocol/resources.js";
import { liveFrameworks } from "./frameworks.js";
import { addInto, finish, hasAny, type Quantities } from "./quantities.js";

interface RoleQuantities {
	allocated: Quantities;
	offered: Quantities;
}

/**
 * Allocated and offered resources of each role's subtree (a task of
 * `eng/web` counts for `eng/web` and `eng`), over every registered framework,
 * as Mesos's RoleResourceBreakdown (src/master/master.cpp: allocatedToRoleSubtree).
 */
function roleSubtreeQuantities(m: Master): Map<number, RoleQuantities> {
	const roles = m.allocator.roles;
	const out = new Map<number, RoleQuantities>();
	const add = (role: number, kind: keyof RoleQuantities, q: Float64Array, ports: readonly Range[]) => {
		for (const r of [role, ...(roles[role]?.ancestors ?? [])]) {
			let x = out.get(r);
			if (x === undefined) {
				x = { allocated: emptyQuantities(), offered: emptyQuantities() };
				out.set(r, x);
			}
			addInto(x[kind], q, ports);
		}
	};
	for (const fw of liveFrameworks(m)) {
		for (const t of fw.tasks.values()) if (!t.released) add(t.role, "allocated", t.q, t.ports);
		for (const o of fw.offers) add(o.role, "offered", o.q, o.ports);
	}
	for (const x of out.values()) {
		x.allocated = finish(x.allocated);
		x.offered = finish(x.offered);
	}
	return out;
}

/**
 * The roles Mesos lists in /master/roles and GET_ROLES (Master::knownRoles):
 * roles with a subscribed framework or resources allocated or offered to them,
 * roles with a weight or a quota, and every ancestor of those; sorted by name.
 * A role whose frameworks left, back at the default weight and without quota,
 * drops out. (mesosim keeps no explicit weight of 1 apart from the default.)
 */
function knownRoles(m: Master, quantities: ReadonlyMap<number, RoleQuantities>): number[] {
	const roles = m.allocator.roles;
	const known = new Set<number>();
	for (const r of roles) {
		const used = quantities.get(r.idx);
		const listed =
			r.weight !== 1 ||
			r.hasLimit ||
			[...r.frameworks].some((f) => !f.removed) ||
			(used !== undefined && (hasAny(used.allocated) || hasAny(used.offered)));
		if (!listed) continue;
		known.add(r.idx);
		for (const a of r.ancestors) known.add(a);
	}
	return sortedRoles(m).filter((i) => known.has(i));
}

/** Roles as /master/roles and GET_ROLES list them, each with its subtree's resources. */
export function rolesWithQuantities(
	m: Master,
): { idx: number; allocated: Quantities; offered: Quantities }[] {
	const quantities = roleSubtreeQuantities(m);
	return knownRoles(m, quantities).map((idx) => ({
		idx,
		...(quantities.get(idx) ?? { allocated: emptyQuantities(), offered: emptyQuantities() }),
	}));
}

/** A role's finite quota limits by resource name; empty without quota. */
export function quotaLimits(m: Master, role: number): Record<string, { value: number }> {
	const r = m.allocator.roles[role]!;
	const out: Record<string, { value: number }> = {};
	if (!r.hasLimit) return out;
	for (let k = 0; k < SCALAR_NAMES.length; k++) {
		const v = r.limit[k]!;
		if (Number.isFinite(v)) out[SCALAR_NAMES[k]!] = { value: v };
	}
	return out;
}

/** Every role index, by role name. */
export function sortedRoles(m: Master): number[] {
	return m.allocator.roles
		.map((r) => r.idx)
		.sort((a, b) => {
			const x = m.allocator.roles[a]!.name;
			const y = m.allocator.roles[b]!.name;
			return x < y ? -1 : x > y ? 1 : 0;
		});
}
