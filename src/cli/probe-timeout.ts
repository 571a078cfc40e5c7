/** The mail server check's limit when --probe-timeout is not given, in seconds: commander's default and the invocation's. */
export const DEFAULT_PROBE_TIMEOUT_SECONDS = 10;
