/**
 * Scenario problems: each names the field by path (shown as a JSON pointer)
 * and, when the text is at hand, the line. All problems of a file become one
 * SimError SIM_ERR_SCENARIO_INVALID whose message lists them, one a line:
 *   examples/x.yaml:12 /agents/0/count: must be an integer >= 0 (got "ten")
 */
import { SimError, type SimErrorCode } from "../errors.js";

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** Where in the source an issue points: the value at the path, or its key (unknown fields). */
export type IssueAnchor = "value" | "key";

export interface ScenarioIssue {
	/** JSON pointer into the input document ("" is the whole document). */
	pointer: string;
	path: PathSegment[];
	message: string;
	/** 1-based line in the source, when known. */
	line?: number;
	/** SIM_ERR_SCENARIO_INVALID, or a more specific code (SIM_ERR_BAD_DURATION, SIM_ERR_TEMPLATE). */
	code: SimErrorCode;
}

/** Finds the 1-based line of a path in the source (nearest existing ancestor if absent). */
export type Locator = (path: Path, anchor: IssueAnchor) => number | undefined;

export function toPointer(path: Path): string {
	return path.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

export interface IssueOptions {
	anchor?: IssueAnchor;
	code?: SimErrorCode;
}

/** Where checkers report problems. */
export interface IssueSink {
	add(path: Path, message: string, options?: IssueOptions): void;
	readonly length: number;
}

/** Collects issues, locating each in the source when it can. */
export class IssueList implements IssueSink {
	readonly issues: ScenarioIssue[] = [];
	readonly #locate: Locator | undefined;

	constructor(locate?: Locator) {
		this.#locate = locate;
	}

	add(path: Path, message: string, options: IssueOptions = {}): void {
		const issue: ScenarioIssue = {
			pointer: toPointer(path),
			path: [...path],
			message,
			code: options.code ?? "SIM_ERR_SCENARIO_INVALID",
		};
		const line = this.#locate?.(path, options.anchor ?? "value");
		if (line !== undefined) issue.line = line;
		this.issues.push(issue);
	}

	get length(): number {
		return this.issues.length;
	}
}

const MAX_LISTED = 20;

/** "file:12 /agents/0/count: message" (parts left out when unknown). */
export function formatIssue(issue: ScenarioIssue, sourceName?: string): string {
	let where = sourceName ?? "";
	if (issue.line !== undefined && where !== "") where += `:${issue.line}`;
	else if (issue.line !== undefined) where = `line ${issue.line}`;
	if (issue.pointer === "") return `${where === "" ? "" : `${where}: `}${issue.message}`;
	return `${where === "" ? "" : `${where} `}${issue.pointer}: ${issue.message}`;
}

/** One SimError for all issues, in line order (first 20 listed). */
export function issuesError(unsorted: readonly ScenarioIssue[], sourceName?: string): SimError {
	const issues = [...unsorted].sort((a, b) => (a.line ?? Number.MAX_VALUE) - (b.line ?? Number.MAX_VALUE));
	const lines = issues.slice(0, MAX_LISTED).map((i) => formatIssue(i, sourceName));
	let message: string;
	if (lines.length === 1) message = lines[0]!;
	else {
		const head = `${sourceName ?? "scenario"}: ${issues.length} problems:`;
		message = [head, ...lines.map((l) => `  ${l}`)].join("\n");
		if (issues.length > MAX_LISTED) message += `\n  ... and ${issues.length - MAX_LISTED} more`;
	}
	return new SimError("SIM_ERR_SCENARIO_INVALID", message, {
		details: { source: sourceName ?? null, issues: issues.map((i) => ({ ...i })) },
	});
}
