/** The catalog of impersonations: one file per framework; `mesosim package list` shows them. */
import { aurora } from "./aurora.js";
import { cassandra } from "./cassandra.js";
import { chronos } from "./chronos.js";
import { crashy } from "./crashy.js";
import { elastic } from "./elastic.js";
import { hadoop } from "./hadoop.js";
import { hdfs } from "./hdfs.js";
import { jenkins } from "./jenkins.js";
import { kafka } from "./kafka.js";
import { kubernetes } from "./kubernetes.js";
import { kubernetesLegacy } from "./kubernetes-legacy.js";
import { marathon } from "./marathon.js";
import { metronome } from "./metronome.js";
import { mpi } from "./mpi.js";
import { spark } from "./spark.js";
import { storm } from "./storm.js";
import type { CatalogEntry } from "./types.js";

const ENTRIES: readonly CatalogEntry[] = [
	marathon,
	chronos,
	metronome,
	spark,
	hadoop,
	hdfs,
	cassandra,
	kafka,
	elastic,
	jenkins,
	kubernetes,
	kubernetesLegacy,
	storm,
	aurora,
	mpi,
	crashy,
];

/** Catalog entries by name, in catalog order. */
export const CATALOG: Readonly<Record<string, CatalogEntry>> = Object.freeze(
	Object.fromEntries(ENTRIES.map((e) => [e.name, e])),
);

export const PACKAGE_NAMES: readonly string[] = ENTRIES.map((e) => e.name);

export type { CatalogEntry, CatalogExpectation } from "./types.js";
