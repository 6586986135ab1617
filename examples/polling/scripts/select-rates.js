// Keeps only the currencies listed in the property `currencies` (set from the flow parameter)
// and notes the rates' date in the message processing log, where operators can search for it.
function processData(message) {
  const rates = message.getBody('json');
  const wanted = String(message.getProperty('currencies')).split(',');
  const selected = {};
  for (const code of wanted) {
    if (rates.rates[code] !== undefined) selected[code] = rates.rates[code];
  }
  message.setBody({ base: rates.base, date: rates.date, rates: selected });
  message.setHeader('Content-Type', 'application/json');
  messageLogFactory.getMessageLog(message).addCustomHeaderProperty('ratesDate', rates.date);
  return message;
}
