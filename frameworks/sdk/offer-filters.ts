/**
 * FrameworkInfo.offer_filters from a friendly form: per role, a list of
 * quantity sets, `{ analytics: [{cpus: 4}, {mem: 8192}] }`. The master offers
 * that role's resources to the framework only if they hold at least one of the
 * sets (its own min_allocatable_resources, in place of the master's
 * --min_allocatable_resources; docs/mesos-rules.md §4).
 */
import { type Static, Type } from "typebox";
import { X_EXPECT, X_TYPE } from "../../common/schema/keywords.js";
import type { OfferFilters } from "../../master/protocol/index.js";

export type MinQuantities = Partial<Record<"cpus" | "mem" | "disk" | "gpus", number>>;
/** Per role, the quantity sets any one of which makes an offer worth sending. */
export type OfferFiltersSpec = Record<string, MinQuantities[]>;

const QuantitySet = Type.Object(
	{
		cpus: Type.Optional(Type.Number({ minimum: 0 })),
		mem: Type.Optional(Type.Number({ minimum: 0 })),
		disk: Type.Optional(Type.Number({ minimum: 0 })),
		gpus: Type.Optional(Type.Number({ minimum: 0 })),
	},
	{ additionalProperties: false },
);

/** The schema of the friendly form, for scenario and chameleon specs. */
export const OfferFiltersSchema = Type.Record(Type.String(), Type.Array(QuantitySet, { minItems: 1 }), {
	description:
		"FrameworkInfo.offer_filters: per role, a list of quantity sets; an offer of that role must hold at least one of them, e.g. {analytics: [{cpus: 4, mem: 1024}]}.",
	[X_TYPE]: "{role: [{cpus, mem, disk, gpus}]}",
	[X_EXPECT]: "a map from role to a list of quantity sets such as [{cpus: 4, mem: 1024}]",
});

export type OfferFiltersInput = Static<typeof OfferFiltersSchema>;

/**
 * What is wrong with a framework's offerFilters and suppressedRoles given its
 * roles, as [path within the framework, message]. Mesos refuses a SUBSCRIBE
 * whose suppressed_roles are not its roles; it accepts offer filters for other
 * roles, but they have no effect, so a spec that names one is a mistake.
 */
export function subscribeRoleProblems(
	offerFilters: OfferFiltersSpec,
	suppressedRoles: readonly string[],
	roles: readonly string[],
): [(string | number)[], string][] {
	const problems: [(string | number)[], string][] = [];
	const notOurs = (r: string) =>
		`role ${JSON.stringify(r)} is not one of the framework's roles (${roles.join(", ")})`;
	for (const r of Object.keys(offerFilters))
		if (!roles.includes(r)) problems.push([["offerFilters", r], notOurs(r)]);
	suppressedRoles.forEach((r, k) => {
		if (!roles.includes(r)) problems.push([["suppressedRoles", k], notOurs(r)]);
	});
	return problems;
}

/** A deep copy of the friendly form. */
export function copyOfferFilters(spec: OfferFiltersSpec): OfferFiltersSpec {
	return Object.fromEntries(Object.entries(spec).map(([r, sets]) => [r, sets.map((q) => ({ ...q }))]));
}

/** The protocol form, or undefined when there are none (FrameworkInfo keeps no empty field). */
export function offerFiltersInfo(spec: OfferFiltersSpec): Record<string, OfferFilters> | undefined {
	const roles = Object.keys(spec);
	if (roles.length === 0) return undefined;
	const out: Record<string, OfferFilters> = {};
	for (const role of roles) {
		out[role] = {
			min_allocatable_resources: {
				quantities: spec[role]!.map((set) => ({
					quantities: Object.fromEntries(Object.entries(set).map(([name, value]) => [name, { value }])),
				})),
			},
		};
	}
	return out;
}
