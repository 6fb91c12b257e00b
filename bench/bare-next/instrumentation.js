// The bare app starts nothing (without this file Next would take the repository's instrumentation.ts).
export function register() {}
