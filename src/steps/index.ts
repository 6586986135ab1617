import { contentModifierSpec } from './content-modifier/content-modifier.spec.ts';
import { csvToJson } from './converters/csv-to-json.spec.ts';
import { csvToXml } from './converters/csv-to-xml.spec.ts';
import { jsonToCsv } from './converters/json-to-csv.spec.ts';
import { jsonToXml } from './converters/json-to-xml.spec.ts';
import { xmlToCsv } from './converters/xml-to-csv.spec.ts';
import { xmlToJson } from './converters/xml-to-json.spec.ts';
import { decoder } from './encoder/decoder.spec.ts';
import { encoder } from './encoder/encoder.spec.ts';
import { end, errorEnd, escalationEnd, terminate } from './events/events.spec.ts';
import { filterSpec } from './filter/filter.spec.ts';
import { gatherSpec } from './gather/gather.spec.ts';
import { jsonataMapping } from './mapping/jsonata-mapping.spec.ts';
import { xsltMapping } from './mapping/xslt-mapping.spec.ts';
import { messageDigest } from './message-digest/message-digest.spec.ts';
import { multicastSpec } from './multicast/multicast.spec.ts';
import { loopingProcessCall } from './process-call/looping-process-call.spec.ts';
import { processCall } from './process-call/process-call.spec.ts';
import { requestReply, send } from './request-reply/request-reply.spec.ts';
import { routerSpec } from './router/router.spec.ts';
import { script } from './script/script.spec.ts';
import { splitterSpec } from './splitter/splitter.spec.ts';
import type { StepSpec } from './step.spec.ts';

/**
 * Every step kind Causeway knows, in the order the docs list them. Registration is this explicit
 * list, not import side effects: what is here is what flows can use.
 */
export const steps: StepSpec<any>[] = [
  contentModifierSpec,
  routerSpec,
  filterSpec,
  splitterSpec,
  gatherSpec,
  multicastSpec,
  requestReply,
  send,
  processCall,
  loopingProcessCall,
  end,
  errorEnd,
  escalationEnd,
  terminate,
  jsonToXml,
  xmlToJson,
  csvToXml,
  xmlToCsv,
  csvToJson,
  jsonToCsv,
  xsltMapping,
  jsonataMapping,
  script,
  encoder,
  decoder,
  messageDigest,
];

const byKind = new Map(steps.map((spec) => [spec.kind, spec]));

export function stepSpec(kind: string): StepSpec<any> | undefined {
  return byKind.get(kind);
}
