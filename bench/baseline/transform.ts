// Physical limit for the transform scenario: bare node:http, parse, compute, answer JSON.
import http from 'node:http';

interface Order {
  id: string;
  customer: string;
  items: { qty: number; price: number }[];
}

const port = Number(process.argv[2] ?? 9312);
http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const order = JSON.parse(Buffer.concat(chunks).toString()) as Order;
      let total = 0;
      for (const item of order.items) total += item.qty * item.price;
      const body = Buffer.from(
        JSON.stringify({ orderId: order.id, customer: order.customer.toUpperCase(), total }),
      );
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-processed': 'true',
        'content-length': body.length,
      });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1');
