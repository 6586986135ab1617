// Physical limit for request-reply: bare node:http forwarding each request to the backend over keep-alive.
import http from 'node:http';

const port = Number(process.argv[2] ?? 9311);
const target = Number(process.argv[3] ?? 9301);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = http.request(
        {
          host: '127.0.0.1',
          port: target,
          path: '/',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        (answer) => {
          const out: Buffer[] = [];
          answer.on('data', (c: Buffer) => out.push(c));
          answer.on('end', () => {
            const body = Buffer.concat(out);
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
            res.end(body);
          });
        },
      );
      upstream.on('error', (err) => {
        res.writeHead(502).end(String(err));
      });
      upstream.end(Buffer.concat(chunks));
    });
  })
  .listen(port, '127.0.0.1');
