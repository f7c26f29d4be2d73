export * from './columns.ts';
export { contractMarkdown } from './docs.ts';
export * from './tables.ts';
