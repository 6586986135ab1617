import type { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import { Type } from '../../flow/schema-builder.ts';
import { conversionError, NameOption, stepLabel } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';
import { type CompiledStylesheet, compileStylesheet, runStylesheet, XsltCompileError } from './xslt.ts';

export const xsltMapping = defineStep({
  kind: 'xsltMapping',
  title: 'XSLT Mapping',
  description:
    'Transforms an XML body with an XSLT 1.0, 2.0 or 3.0 stylesheet (SaxonJS), compiled once when the ' +
    'flow is deployed. As in CPI, every top-level `xsl:param` whose name matches a message header or an ' +
    'exchange property gets its value (as a string); `parameters` sets parameters explicitly and wins over ' +
    'both, and a header wins over a property. The output replaces the body; `xsl:output` `media-type` or ' +
    '`method` sets Content-Type. Errors raised while transforming fail with CW_ERR_MAPPING.',
  options: Type.Object(
    {
      name: NameOption,
      file: Type.Optional(Type.String({ description: 'Stylesheet file, relative to the flow file.' })),
      stylesheet: Type.Optional(Type.String({ description: 'The stylesheet inline, instead of `file`.' })),
      parameters: Type.Record(Type.String(), Type.String(), {
        default: {},
        description: 'xsl:param name → value; values may hold `${header.x}` and other Simple expressions.',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Stylesheet file', yaml: '- xsltMapping:\n    file: mappings/order-to-idoc.xsl' },
    {
      title: 'Inline stylesheet with a parameter',
      yaml: [
        '- xsltMapping:',
        '    parameters: { orderId: "${header.orderId}" }',
        '    stylesheet: |',
        '      <xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">',
        '        <xsl:param name="orderId"/>',
        '        <xsl:template match="/"><Order id="{$orderId}"><xsl:copy-of select="*/*"/></Order></xsl:template>',
        '      </xsl:stylesheet>',
      ].join('\n'),
    },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    if ((options.file === undefined) === (options.stylesheet === undefined)) {
      ctx.error(
        path,
        'An XSLT mapping needs exactly one of `file` or `stylesheet`.',
        'Name a stylesheet file, or write it inline.',
      );
      return () => {};
    }
    const where = options.file !== undefined ? [...path, 'file'] : [...path, 'stylesheet'];
    const text = options.file !== undefined ? ctx.readFile(options.file, where) : options.stylesheet;
    if (text === undefined) return () => {};
    let stylesheet: CompiledStylesheet;
    try {
      stylesheet = compileStylesheet(
        text,
        options.file !== undefined ? ctx.resolvePath(options.file) : undefined,
      );
    } catch (error) {
      if (!(error instanceof XsltCompileError)) throw error;
      const source = options.file ?? 'the inline stylesheet';
      const at = error.line ? `${source}, line ${error.line}` : source;
      ctx.error(
        where,
        `XSLT error in ${at}: ${error.message}`,
        'Fix the stylesheet; SaxonJS supports XSLT 3.0 without schema awareness.',
      );
      return () => {};
    }

    const explicit = Object.entries(options.parameters ?? {}).map(
      ([name, value]) => [name, ctx.template(value, [...path, 'parameters', name])] as const,
    );
    // Only declared params are looked up, so a message with many headers costs nothing extra.
    const fromMessage = [...stylesheet.params].filter((name) => !explicit.some(([n]) => n === name));
    const paramsOf = (exchange: Exchange): Record<string, string> => {
      const params: Record<string, string> = {};
      for (const name of fromMessage) {
        const value = exchange.message.headers.has(name)
          ? exchange.message.headers.get(name)
          : exchange.properties.get(name);
        if (value !== undefined && value !== null)
          params[name] = typeof value === 'string' ? value : String(value);
      }
      for (const [name, template] of explicit) params[name] = template(exchange);
      return params;
    };

    return (exchange) => {
      const message = exchange.message;
      let output: string;
      try {
        output = runStylesheet(stylesheet, message.body.text(), paramsOf(exchange));
      } catch (error) {
        const e = error as { code?: string; message?: string };
        const code = String(e.code ?? '').replace(/^Q\{[^}]*\}/, '');
        // FODC0002: the source document could not be parsed (SaxonJS counts lines from 0).
        if (code === 'FODC0002' || code === 'XTDE0044') {
          const reason = String(e.message ?? 'the body is empty').replace(
            /at line (\d+)/,
            (_, n) => `at line ${Number(n) + 1}`,
          );
          throw conversionError(
            step,
            `the message body is not well-formed XML: ${reason}`,
            'An XSLT mapping needs XML; convert the body first (for example JSON to XML).',
            error,
          );
        }
        throw new UserError(
          'CW_ERR_MAPPING',
          `Step ${step}: the XSLT mapping failed: ${code ? `${code} ` : ''}${e.message ?? error}`,
          {
            cause: error,
            hint: 'Check that the message has the structure the stylesheet expects, and the parameters it needs.',
          },
        );
      }
      message.setBody(output);
      if (stylesheet.contentType) message.headers.set('Content-Type', stylesheet.contentType);
    };
  },
});
