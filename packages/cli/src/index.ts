export { type DevDescription, readDevDescription } from './dev/dev-state.ts';
export { type DevOptions, type RunningDev, startDev } from './dev/start-dev.ts';
