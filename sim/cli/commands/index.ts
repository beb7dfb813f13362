/**
 * Every subcommand, one file each. A new command (serve, bench, package,
 * chameleon, ...) is a `register(program, ctx)` function added here.
 */
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { registerBench } from "./bench.js";
import { registerChameleon } from "./chameleon.js";
import { registerControl } from "./control.js";
import { registerDemo } from "./demo.js";
import { registerExplain } from "./explain.js";
import { registerLesson } from "./lesson.js";
import { registerPackage } from "./package.js";
import { registerRun } from "./run.js";
import { registerServe } from "./serve.js";
import { registerValidate } from "./validate.js";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
	registerRun,
	registerValidate,
	registerServe,
	registerPackage,
	registerBench,
	registerChameleon,
	registerControl,
	registerDemo,
	registerExplain,
	registerLesson,
];
