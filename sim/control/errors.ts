/**
 * A control action refused before it changed anything: 404 when it names
 * something that does not exist (agent, group, package, framework), 400 when
 * a value is out of range or a selector matches nothing. The HTTP plugin
 * answers with the status and the message as a plain-text body, the CLI
 * prints the message.
 */
export class ControlError extends Error {
	readonly status: 400 | 404;

	constructor(status: 400 | 404, message: string) {
		super(message);
		this.name = "ControlError";
		this.status = status;
	}
}

export const notFound = (message: string) => new ControlError(404, message);
export const badControl = (message: string) => new ControlError(400, message);
