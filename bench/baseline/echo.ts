// Physical limit for the echo scenario: bare node:http answering with the request body.
import http from 'node:http';

const port = Number(process.argv[2] ?? 9310);
http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, {
        'content-type': req.headers['content-type'] ?? 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
