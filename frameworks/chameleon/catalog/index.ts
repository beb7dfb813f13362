/**
 * The catalog of impersonations: one file per framework, registered here with
 * one line. A package's name comes from its own file (the entry's `name`);
 * everything that lists packages (`mesosim package list`, the docs table,
 * --package, "did you mean") reads CATALOG / PACKAGE_NAMES below. To add a
 * package: write catalog/<name>.ts exporting a CatalogEntry, import it here
 * and add it to ENTRIES.
 */

import { closeMatchesOrAll } from "../../../common/suggest.js";
import { byName } from "../registry.js";
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
export const CATALOG: Readonly<Record<string, CatalogEntry>> = byName(
	"package",
	ENTRIES.map((e) => [e.name, e] as const),
);

export const PACKAGE_NAMES: readonly string[] = Object.keys(CATALOG);

export function findPackage(name: string): CatalogEntry | undefined {
	return Object.hasOwn(CATALOG, name) ? CATALOG[name] : undefined;
}

/** `unknown package "x"; close matches: …` (or every name), pointing at `mesosim package list`. */
export function unknownPackageMessage(name: string): string {
	return `unknown package ${JSON.stringify(name)}${closeMatchesOrAll(name, PACKAGE_NAMES)} (see \`mesosim package list\`)`;
}

export type { CatalogEntry, CatalogExpectation } from "./types.js";
