/**
 * offerHoarder — a service (or, with `arrivals`, a batch) whose framework
 * keeps the offers it cannot use for holdOffersMs + U(0, holdJitterMs)
 * before declining them (Aurora: 5 min + up to 1 min; Storm between Nimbus
 * rounds; k8sm 5 s). The holding is the framework's offer policy: a spec with
 * an offerHoarder group and no holdOffersMs gets Aurora's 300000 + 60000.
 * Other frameworks see nothing of the held agents meanwhile, unless the
 * master's offerTimeout rescinds them.
 */
import type { PatternMeta } from "./meta.js";
import { PoissonBatch } from "./poissonBatch.js";
import { SteadyService } from "./steadyService.js";

/** The pattern's name in specs, docs and the CLI (registered in patterns/index.ts). */
export const name = "offerHoarder";

export const meta: PatternMeta = {
	description:
		"Keeps the offers it cannot use for the hold time (+ jitter) before declining them; runs instances like steadyService, or jobs with arrivals.",
	stresses: "offer_timeout, fairness, offers stuck in flight, starvation of other frameworks",
	fields: ["instances", "count", "arrivals", "tasksPerJob", "maxJobs"],
	defaultInstances: 1,
	// Aurora holds an offer it cannot use 5 min + up to 1 min.
	offerPolicyDefaults: { holdOffersMs: 300_000, holdJitterMs: 60_000 },
	defaults: { resources: { cpus: 1, mem: 1024 }, lifecycle: { runFor: "infinite" } },
	create: (cfg, host) => (cfg.arrivals !== null ? new PoissonBatch(cfg, host) : new SteadyService(cfg, host)),
};
