/**
 * Headers that describe one connection (RFC 9110 §7.6.1), plus `host` and `content-length`, which
 * belong to the one request or reply that carries them: never copied from one hop to the next.
 * Shared by the HTTP receiver (message → request) and the HTTPS sender (message → reply).
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
