// Node-RED settings for `npm run bench -- --peer nodered` (bench/lib/nodered.ts passes it with -s).
// CommonJS because Node-RED loads its settings with require() and the repo's package.json says "module".
// Only the HTTP nodes are served: no editor or admin API, so the peer carries nothing we do not.
module.exports = {
  uiHost: '127.0.0.1',
  // The port comes from the command line (-p); the flow file is copied into the user directory.
  flowFile: 'flows.json',
  httpAdminRoot: false,
  httpNodeRoot: '/',
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false },
  editorTheme: { projects: { enabled: false } },
};
