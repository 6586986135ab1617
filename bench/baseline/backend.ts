// The receiver of the proxy scenario (for the baseline and Causeway alike): answers every request with small JSON.
import http from 'node:http';

const port = Number(process.argv[2] ?? 9301);
const body = JSON.stringify({
  status: 'ok',
  items: [
    { id: 1, name: 'alpha' },
    { id: 2, name: 'beta' },
  ],
});

http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
