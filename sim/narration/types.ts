/** What the script player produces: the steps as played, with their text filled in and measured values. */
import type { StepBy } from "../scenario/index.js";

export interface ExpectationResult {
	name: string;
	/** The measured value; null when there was none (e.g. no offer yet). */
	value: number | null;
	/** The comparison in words ("= 3", "≈ 0.222 ± 0.005", "≥ 1"). */
	expected: string;
	ok: boolean;
}

export interface PlayedStep {
	/** 0-based index in the script. */
	index: number;
	/** Simulated ms since the start when it played. */
	tMs: number;
	title?: string;
	caption?: string;
	question?: string;
	answer?: string;
	pause: boolean;
	stepBy?: StepBy;
	/** Highlighted agents as master cluster indices (the dashboard map's cells). */
	agents: number[];
	frameworks: string[];
	roles: string[];
	expectations: ExpectationResult[];
}
