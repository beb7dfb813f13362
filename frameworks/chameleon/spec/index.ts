/**
 * The chameleon spec: schema.ts (what a user writes, in TypeBox), config.ts
 * (the resolved ChameleonConfig and its defaults), expand.ts (file, package
 * and pattern defaults merged in) and resolve.ts (spec -> config, with every
 * problem named by JSON pointer).
 */
export {
	type ChameleonConfig,
	type GroupConfig,
	type Lifecycle,
	OFFER_POLICY_DEFAULTS,
	type OfferPolicy,
	RESTART_DEFAULT,
	type ResourceDists,
} from "./config.js";
export { deepMerge, expandSpec } from "./expand.js";
export { parseChameleonSpec, type ResolveOptions, resolveChameleonSpec } from "./resolve.js";
export {
	type ChameleonSpecInput,
	ChameleonSpecSchema,
	COMMON_GROUP_FIELDS,
	type GroupInput,
	SPEC_SECTIONS,
} from "./schema.js";
