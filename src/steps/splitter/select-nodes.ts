import type { Exchange } from '../../engine/exchange.ts';
import { lazyModule } from '../../engine/lazy-module.ts';
import { evaluationError } from '../../expression/errors.ts';
import type { Path } from '../../flow/path.ts';
import type { DomNode } from '../filter/xpath-result.ts';
import type { CompileContext } from '../step.spec.ts';

interface ParsedXPath {
  select(options: { node: unknown; namespaces: unknown }): DomNode[];
}
const xpath = lazyModule<{ parse(source: string): ParsedXPath }>('xpath');

/**
 * An XPath that yields the DOM nodes themselves, with their parents, where the expression language
 * gives their text: the splitter needs a node's ancestors for the envelope, and a gather moves nodes
 * between documents. The syntax is checked by `ctx.expression`, so errors read as everywhere else.
 */
export function compileNodeSelector(
  source: string,
  ctx: CompileContext,
  path: Path,
): (exchange: Exchange) => DomNode[] {
  ctx.expression(source, path, 'xpath', { resultType: 'nodelist' });
  let parsed: ParsedXPath;
  try {
    parsed = xpath().parse(source);
  } catch {
    // Already reported above with its position.
    return () => [];
  }
  const namespaces = ctx.namespaces;
  return (exchange) => {
    try {
      // The body is parsed inside the try: a body that is not XML fails naming the expression.
      return parsed.select({ node: exchange.message.body.xml(), namespaces });
    } catch (error) {
      // A number or string result lands here too ("cannot convert number to nodeset").
      throw evaluationError('xpath', source, error);
    }
  };
}
