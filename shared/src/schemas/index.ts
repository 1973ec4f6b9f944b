export * from './common.ts';
export * from './auth.ts';
export * from './cycles.ts';
export * from './sessions.ts';
export * from './polls.ts';
export * from './realtime.ts';
export * from './results.ts';
