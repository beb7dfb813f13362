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

/** Roles named in `spec` that are not among `roles`: Mesos accepts them, but they have no effect (a scenario calls them a mistake). */
export function offerFilterStrangers(spec: OfferFiltersSpec, roles: readonly string[]): string[] {
	return Object.keys(spec).filter((r) => !roles.includes(r));
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
