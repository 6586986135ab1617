import type { Static } from '@sinclair/typebox';
import type { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import type { Path } from '../../flow/path.ts';
import { Type } from '../../flow/schema-builder.ts';
import type { DomNode } from '../filter/xpath-result.ts';
import { compileNodeSelector } from '../splitter/select-nodes.ts';
import type { CompileContext } from '../step.spec.ts';
import {
  type CombineFormat,
  combine,
  combineAtXpath,
  concatenate,
  jsonArray,
  type TargetElement,
} from './gather.strategies.ts';

/** How the messages of a splitter or multicast are merged into one (CPI's Gather and Join). */
export const GatherOptions = Type.Object(
  {
    strategy: Type.Optional(
      Type.Union(
        [
          Type.Literal('combine'),
          Type.Literal('combineAtXpath'),
          Type.Literal('concatenate'),
          Type.Literal('jsonArray'),
        ],
        {
          default: 'combine',
          description:
            'combine: XML in CPI’s multi-mapping format (JSON parts: one array); combineAtXpath: the ' +
            'nodes at `xpath` of every part under one root; concatenate: the bytes one after another; ' +
            'jsonArray: one JSON array (array parts add their elements).',
        },
      ),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('same'), Type.Literal('different')], {
        description:
          'For combine, CPI’s Incoming Format: same (XML Same Format: every part in multimap:Message1) or ' +
          'different (part N in multimap:MessageN). Default: same in a splitter, different in a multicast.',
      }),
    ),
    xpath: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'combineAtXpath: the nodes to take from each part (Combine from source).',
      }),
    ),
    targetXpath: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'combineAtXpath: the element path the nodes go under, e.g. `/ns0:Orders` (Combine at target). ' +
          'Default: the ancestors of the nodes in the first part.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type GatherSpec = Static<typeof GatherOptions>;

/** Merges the finished parts (in split or branch order) into the new body. */
export type Gatherer = (parts: Exchange[]) => unknown;

export function compileGather(
  options: GatherSpec,
  ctx: CompileContext,
  path: Path,
  defaults: { format: CombineFormat; where: string },
): Gatherer {
  const strategy = options.strategy ?? 'combine';
  const where = defaults.where;
  const misplaced = (key: keyof GatherSpec, use: string) =>
    ctx.error(
      [...path, key],
      `\`${key}\` applies only to strategy ${use}`,
      `Remove \`${key}\` or use strategy ${use}.`,
    );
  if (options.format !== undefined && strategy !== 'combine') misplaced('format', 'combine');
  if (strategy !== 'combineAtXpath') {
    if (options.xpath !== undefined) misplaced('xpath', 'combineAtXpath');
    if (options.targetXpath !== undefined) misplaced('targetXpath', 'combineAtXpath');
  }
  switch (strategy) {
    case 'combine': {
      const format = options.format ?? defaults.format;
      return (parts) => combine(bodies(parts), format, where);
    }
    case 'concatenate':
      return (parts) => concatenate(bodies(parts));
    case 'jsonArray':
      return (parts) => jsonArray(bodies(parts), where);
    case 'combineAtXpath': {
      if (options.xpath === undefined) {
        ctx.error(
          path,
          'strategy combineAtXpath needs an `xpath`',
          'Add `xpath:` naming the nodes to combine.',
        );
        return () => '';
      }
      const select = compileNodeSelector(options.xpath, ctx, [...path, 'xpath']);
      const target = options.targetXpath && parseTarget(options.targetXpath, ctx, [...path, 'targetXpath']);
      return (parts) => {
        if (parts.length === 0) return '';
        const nodes = parts.map((part, i) => selectInPart(select, part, i, where));
        if (nodes.every((n) => n.length === 0)) {
          throw new UserError(
            'CW_ERR_STEP',
            `${where}: xpath "${options.xpath}" found nothing in any part.`,
            {
              hint: 'Check the XPath and the namespace prefixes declared under `namespaces:`.',
            },
          );
        }
        return combineAtXpath(nodes, target || undefined);
      };
    }
  }
}

/** The nodes of one part; a part that is not XML is named, not reported as "the message body". */
function selectInPart(
  select: (part: Exchange) => DomNode[],
  part: Exchange,
  index: number,
  where: string,
): DomNode[] {
  try {
    // Parsed (and cached) before the XPath runs, whose error would name the expression, not the part.
    part.message.body.xml();
  } catch (error) {
    if (!(error instanceof UserError && error.code === 'CW_ERR_CONVERSION')) throw error;
    const reason = error.message.replace(/^The message body is not well-formed XML: /, '');
    throw new UserError(
      'CW_ERR_STEP',
      `${where}: part ${index + 1} is not well-formed XML (${reason}), which combineAtXpath needs.`,
      {
        cause: error,
        hint: 'Convert the part to XML in the steps that build it, or use strategy concatenate.',
      },
    );
  }
  return select(part);
}

function bodies(parts: Exchange[]) {
  return parts.map((p) => p.message.body);
}

const STEP = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

/** `/ns0:Orders/List`: a plain element path, since it is built, not searched. */
function parseTarget(source: string, ctx: CompileContext, path: Path): TargetElement[] | undefined {
  const steps = source.split('/');
  if (steps[0] !== '' || steps.length < 2 || !steps.slice(1).every((s) => STEP.test(s))) {
    ctx.error(
      path,
      `targetXpath "${source}" is not a plain element path`,
      'Write it as /root/child, e.g. /ns0:Orders.',
    );
    return undefined;
  }
  const out: TargetElement[] = [];
  for (const qname of steps.slice(1)) {
    const colon = qname.indexOf(':');
    if (colon < 0) {
      out.push({ qname, namespace: null });
      continue;
    }
    const prefix = qname.slice(0, colon);
    const namespace = ctx.namespaces[prefix];
    if (namespace === undefined) {
      ctx.error(
        path,
        `namespace prefix "${prefix}" in targetXpath is not declared`,
        `Declare it under \`namespaces:\` in the flow.`,
      );
      return undefined;
    }
    out.push({ qname, namespace });
  }
  return out;
}
