#!/usr/bin/env node
// The packages are TypeScript consumed from source; tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
