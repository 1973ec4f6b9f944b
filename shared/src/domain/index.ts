export * from './rules.ts';
export * from './ballot.ts';
export * from './tally.ts';
export * from './grading.ts';
export * from './rating.ts';
export * from './wording.ts';
export * from './paper.ts';
export * from './ceremony.ts';
