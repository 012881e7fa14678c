export * from './definitions';
export * from './periods';
export * from './query';
export * from './csv';
