/** The logging hook the enrichment stage reports through (the server passes its logger). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFn = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** A logger that drops everything (the default when none is given). */
export const silentLog: LogFn = () => {};
