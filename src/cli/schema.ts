import { flowJsonSchema } from '../flow/json-schema.ts';

/** `causeway schema`: prints the flow files' JSON Schema (for editors). */
export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(flowJsonSchema(), null, 2)}\n`);
  return 0;
}
