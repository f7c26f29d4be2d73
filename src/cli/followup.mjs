#!/usr/bin/env node
// The `followup` executable. The project ships TypeScript sources; tsx compiles them on the fly so that
// `npx followup` works from a fresh clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
