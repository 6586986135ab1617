<?xml version="1.0" encoding="UTF-8"?>
<!-- The order as the shop sends it, mapped to the ERP's sales order (XSLT 3.0, run by Saxon). -->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:output method="xml" indent="no"/>
  <xsl:template match="/order">
    <SalesOrder>
      <ExternalId><xsl:value-of select="id"/></ExternalId>
      <SoldTo><xsl:value-of select="upper-case(customer)"/></SoldTo>
      <Items>
        <xsl:for-each select="items">
          <Item position="{position() * 10}">
            <Material><xsl:value-of select="sku"/></Material>
            <Quantity><xsl:value-of select="qty"/></Quantity>
            <NetAmount><xsl:value-of select="format-number(number(qty) * number(price), '0.00')"/></NetAmount>
          </Item>
        </xsl:for-each>
      </Items>
      <NetTotal><xsl:value-of select="format-number(sum(for $i in items return number($i/qty) * number($i/price)), '0.00')"/></NetTotal>
    </SalesOrder>
  </xsl:template>
</xsl:stylesheet>
