import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes files (path → text) into a new temporary folder and returns the folder. */
export function writeFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-flow-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * A flow for the tests: reads the total, marks the message, sends big orders to `backend` and
 * tells `audit` about every order; small orders get a fixed JSON body.
 */
export const ORDERS_FLOW = `id: orders
parameters:
  backendUrl: { default: 'http://127.0.0.1:1/orders' }
receivers:
  backend: { adapter: http, address: '{{backendUrl}}', method: PUT }
  audit: { adapter: http, address: 'http://127.0.0.1:1/audit' }
steps:
  - contentModifier:
      properties:
        - { name: total, source: jsonpath, value: '$.total' }
      headers:
        - { name: x-processed, value: 'true' }
  - router:
      routes:
        - name: big
          condition: '\${property.total} > 100'
          steps:
            - requestReply: { receiver: backend }
      default:
        steps:
          - send: { receiver: audit }
          - contentModifier:
              body: { value: '{"status":"small","items":[{"sku":"a","qty":2}]}' }
`;
