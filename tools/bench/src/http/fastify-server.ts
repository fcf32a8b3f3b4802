/**
 * Baseline of the HTTP benchmark: a fastify hello world with the benchmark's two routes
 * (routes.ts), written as fastify's documentation writes one (its default logger off,
 * as in its own benchmarks). Run as `node dist/http/fastify-server.js <port>`; prints
 * `Server listening at ('', <port>)` once bound on 127.0.0.1.
 * @packageDocumentation
 */
import Fastify from 'fastify';
import { boundPort, listeningLine, portArgument } from '../echo/server-args.js';
import { DEFAULT_CONTENT_TYPE, ECHO_PATH, HELLO } from './routes.js';

const app = Fastify({ logger: false });
// Any body, as bytes: fastify parses only JSON and text by itself.
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.get('/', (_req, reply) => reply.type('text/plain').send(HELLO));
app.post(ECHO_PATH, (req, reply) => reply.type(req.headers['content-type'] ?? DEFAULT_CONTENT_TYPE).send(req.body));

const port = portArgument(process.argv.slice(2));
app.listen({ port, host: '127.0.0.1' }).then(
  () => console.log(listeningLine(boundPort(app.server))),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
process.once('SIGTERM', () => process.exit(0));
