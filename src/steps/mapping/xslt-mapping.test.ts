import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UserError } from '../../errors.ts';
import { compileFlow } from '../../flow/compiler.ts';
import { detachedServices } from '../../runtime/detached-services.ts';
import {
  assertClearFailure,
  describeErrors,
  failSteps,
  runSteps,
  stepErrors,
} from '../../testing/run-steps.ts';

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
const inline = (stylesheet: string, extra = '') =>
  `- xsltMapping:${extra}\n    stylesheet: |\n${indent(stylesheet)}`;

const XSLT1 = `<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="text"/>
  <xsl:param name="orderId"/>
  <xsl:param name="region"/>
  <xsl:template match="/">id=<xsl:value-of select="$orderId"/>;region=<xsl:value-of select="$region"/>;items=<xsl:value-of select="count(//item)"/></xsl:template>
</xsl:stylesheet>`;

const XSLT3 = `<xsl:stylesheet version="3.0" expand-text="yes" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" exclude-result-prefixes="xs">
  <xsl:output method="xml" omit-xml-declaration="yes"/>
  <xsl:template match="/">
    <Total>
      <xsl:iterate select="//price">
        <xsl:param name="sum" as="xs:decimal" select="0"/>
        <xsl:on-completion>{$sum}</xsl:on-completion>
        <xsl:next-iteration><xsl:with-param name="sum" select="$sum + xs:decimal(.)"/></xsl:next-iteration>
      </xsl:iterate>
    </Total>
  </xsl:template>
</xsl:stylesheet>`;

describe('xsltMapping', () => {
  it('runs XSLT 1.0 with params from headers and properties; text output sets Content-Type', async () => {
    const ex = await runSteps(inline(XSLT1), {
      body: '<order><item/><item/></order>',
      headers: { orderId: 'O-1' },
      properties: { region: 'EU' },
    });
    assert.equal(ex.message.body.text(), 'id=O-1;region=EU;items=2');
    assert.equal(ex.message.headers.get('Content-Type'), 'text/plain');
  });

  it('lets explicit parameters (templates) win over headers', async () => {
    const ex = await runSteps(inline(XSLT1, '\n    parameters: { orderId: "X-${header.orderId}" }'), {
      body: '<order/>',
      headers: { orderId: 'O-1' },
    });
    assert.equal(ex.message.body.text(), 'id=X-O-1;region=;items=0');
  });

  it('runs XSLT 3.0 (xsl:iterate, text value templates) from a file', async () => {
    const ex = await runSteps(
      '- xsltMapping: { file: mappings/total.xsl }',
      { body: '<o><price>1.25</price><price>2</price></o>' },
      { files: { 'mappings/total.xsl': XSLT3 } },
    );
    assert.equal(ex.message.body.text(), '<Total>3.25</Total>');
    assert.equal(ex.message.headers.get('Content-Type'), 'application/xml');
  });

  it('reports a stylesheet compile error with its line', () => {
    const bad = [
      '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">',
      '  <xsl:template match="/">',
      '    <Total>',
      '      <xsl:variable name="a" select="1"/>',
      '      <xsl:value-of select="$a +"/>',
      '    </Total>',
      '  </xsl:template>',
      '</xsl:stylesheet>',
    ].join('\n');
    const errors = stepErrors('- xsltMapping: { file: mappings/bad.xsl }', {
      files: { 'mappings/bad.xsl': bad },
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /mappings\/bad\.xsl, line 5: XPST0003 Static error in XPath \{\$a \+\}/);
    assert.equal(errors[0].line, 1);
  });

  it('reports a stylesheet that is not well-formed, and a missing file', () => {
    const errors = stepErrors(
      inline(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">\n<x></y>\n</xsl:stylesheet>',
      ),
    );
    assert.match(
      errors[0]?.message ?? '',
      /inline stylesheet, line 2: the stylesheet is not well-formed XML/,
    );
    assert.equal(stepErrors('- xsltMapping: { file: nope.xsl }').length, 1);
    assert.match(stepErrors('- xsltMapping: {}')[0]?.message ?? '', /exactly one of `file` or `stylesheet`/);
  });

  it('fails a message that is not XML, and a terminating xsl:message, as user errors', async () => {
    await assert.rejects(
      runSteps(inline(XSLT1), { body: '{"json": true}' }),
      (e) =>
        e instanceof UserError && e.code === 'CW_ERR_CONVERSION' && /not well-formed XML/.test(e.message),
    );
    const terminate = XSLT3.replace('<Total>', '<xsl:message terminate="yes">no prices</xsl:message><Total>');
    await assert.rejects(
      runSteps(inline(terminate), { body: '<o/>' }),
      (e) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_MAPPING' &&
        /XTMM9000 Terminated with no prices/.test(e.message),
    );
  });
});

describe('xsltMapping: bad input', () => {
  it('ends a message that is not XML FAILED, with the step in the log', async () => {
    assertClearFailure(await failSteps(inline(XSLT1, '\n    name: To text'), { body: '{"json": true}' }), {
      code: 'CW_ERR_CONVERSION',
      step: 'To text',
      message: /^Step 'To text' \(steps\[0\]\.xsltMapping\): the message body is not well-formed XML/,
    });
  });

  it('reports options that are not the right kind with line, column and hint', () => {
    assert.deepEqual(describeErrors('- xsltMapping: { file: a.xsl, parameters: [orderId] }'), [
      '1:43 steps[0].xsltMapping.parameters: \'parameters\': expected object, got ["orderId"] (hint: xsl:param name → value; values may hold `${header.x}` and other Simple expressions.)',
    ]);
    assert.deepEqual(describeErrors('- xsltMapping: { xsl: a.xsl }'), [
      "1:18 steps[0].xsltMapping.xsl: unknown option 'xsl' (hint: Did you mean 'file'? Valid options: name, file, stylesheet, parameters)",
    ]);
    const [template] = describeErrors(inline(XSLT1, '\n    parameters: { orderId: "${header.id" }'), {});
    assert.match(
      template,
      /^2:29 steps\[0\]\.xsltMapping\.parameters\.orderId: Invalid Simple expression .* \(hint: /,
    );
  });
});

describe('xsltMapping from files on disk', () => {
  it('resolves xsl:include beside the stylesheet file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-xslt-'));
    mkdirSync(join(dir, 'mappings'));
    writeFileSync(
      join(dir, 'mappings/common.xsl'),
      '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template name="stamp"><Stamp>included</Stamp></xsl:template></xsl:stylesheet>',
    );
    writeFileSync(
      join(dir, 'mappings/main.xsl'),
      '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:include href="common.xsl"/><xsl:template match="/"><Out><xsl:call-template name="stamp"/></Out></xsl:template></xsl:stylesheet>',
    );
    const { flow, diagnostics } = compileFlow(
      'id: inc\nsteps:\n  - xsltMapping: { file: mappings/main.xsl }\n',
      {
        file: join(dir, 'flow.yaml'),
        services: detachedServices(),
      },
    );
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(diagnostics, []);
    const exchange = flow!.runner.newExchange({ body: '<a/>' });
    const { error } = await flow!.runner.dispatch(exchange);
    assert.equal(error, undefined);
    assert.equal(
      exchange.message.body.text(),
      '<?xml version="1.0" encoding="UTF-8"?><Out><Stamp>included</Stamp></Out>',
    );
  });
});
