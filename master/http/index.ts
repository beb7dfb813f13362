export {
	type BuildAppOptions,
	buildApp,
	DEFAULT_BODY_LIMIT,
	DEFAULT_MAX_BUFFERED_BYTES,
	DEFAULT_MAX_OPERATOR_SUBSCRIBERS,
	type MesosHttp,
} from "./app.js";
export { type AuthOptions, parseCredentials } from "./auth.js";
export { ApiError, MST_ERRORS, type MstErrorCode } from "./errors.js";
export { APPLICATION_JSON, APPLICATION_PROTOBUF, accepts, recordIoFrame } from "./media.js";
export { STREAM_ID_HEADER } from "./scheduler.js";
