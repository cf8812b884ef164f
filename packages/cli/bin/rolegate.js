#!/usr/bin/env node
// The installed `rolegate` command: the built CLI, plain JavaScript (no TypeScript loader).
import '../dist/main.js';
