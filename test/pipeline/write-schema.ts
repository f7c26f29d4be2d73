/** Regenerates pipelines/pipeline.schema.json from src/pipeline/spec.ts: `npx tsx test/pipeline/write-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineJsonSchema } from '../../src/pipeline/spec.ts';

export const SCHEMA_PATH = join(import.meta.dirname, '../../pipelines/pipeline.schema.json');
export const schemaText = () => `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) writeFileSync(SCHEMA_PATH, schemaText());
