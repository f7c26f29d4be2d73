export * from './columns.ts';
export * from './tables.ts';
