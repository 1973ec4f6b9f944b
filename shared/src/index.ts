export * from './domain/index.ts';
export * from './errors.ts';
export * from './schemas/index.ts';
