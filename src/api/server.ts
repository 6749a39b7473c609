/**
 * The API server: Fastify with zod-validated routes, bearer tokens with scopes, rate limiting,
 * closed CORS, an OpenAPI document at `/docs`, the `/ws` stream and the dashboard at `/`.
 * `buildServer` returns the app without listening, so tests use `app.inject` and the CLI calls
 * `listen`.
 *
 * Order of work for a request: rate limit (onRequest) → token and scope (preParsing, so an
 * unauthenticated body is never parsed) → body parsing (JSON or text, at most
 * `server.bodyLimitBytes`) → schema validation → handler. Every refusal is counted by reason.
 *
 * @example
 * const app = await buildServer(context);
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import { fastify, LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';
import type { z } from 'zod';
import { bearerToken, grants, hashToken } from './auth/tokens.js';
import type { ApiContext } from './context.js';
import { fromDomainError, HttpError, validationError, type ErrorCode } from './errors.js';
import { installZodCompilers, isZod, toOpenApiSchema } from './route.js';
import { registerRoutes } from './routes/index.js';
import { registerWebSocket } from './routes/ws.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** SHA-256 of the request's bearer token: null until computed, '' when there is none. */
    tokenHash: string | null;
  }
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const fastifyCodes: Readonly<Record<string, { status: number; code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', message: 'the body is empty but the content type is JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'malformed_json', message: 'the body length does not match Content-Length' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_VALIDATION: { status: 400, code: 'validation_failed' },
};

/** The error answer for anything a handler or Fastify threw. */
function toHttpError(error: unknown, bodyLimit: number): HttpError | undefined {
  const domain = fromDomainError(error);
  if (domain) return domain;
  const e = error as Partial<FastifyError> & { validation?: unknown; validationContext?: string };
  if (e.code && fastifyCodes[e.code]) {
    const known = fastifyCodes[e.code]!;
    let message = known.message ?? e.message ?? 'bad request';
    if (known.code === 'payload_too_large') message = `the body is larger than ${bodyLimit} bytes`;
    if (known.code === 'unsupported_media_type') message = 'send the body as application/json (the TradingView webhook also takes text/plain)';
    if (known.code === 'malformed_json' && e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') message = `the body is not valid JSON: ${e.message ?? ''}`.trim();
    return new HttpError(known.status, known.code, message);
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return new HttpError(400, 'malformed_json', `the body is not valid JSON: ${e.message ?? ''}`);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HttpError(e.statusCode, e.statusCode === 404 ? 'not_found' : e.statusCode === 429 ? 'rate_limited' : 'validation_failed', e.message ?? 'bad request');
  }
  return undefined;
}

type LogArgs = [obj: unknown, msg?: string, ...args: unknown[]];

/**
 * A request's logger, made only when something logs. Fastify gives every request a child logger;
 * a pino child with redaction took 4–5 % of the server's CPU under load (bench/api.bench.ts), and
 * almost no request logs anything (request lines are off; refusals and errors log through here).
 */
class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  // Prototype methods, not arrow fields: nothing is allocated per request but the object itself.
  fatal(...args: LogArgs): void {
    this.real.fatal(...args);
  }

  error(...args: LogArgs): void {
    this.real.error(...args);
  }

  warn(...args: LogArgs): void {
    this.real.warn(...args);
  }

  info(...args: LogArgs): void {
    this.real.info(...args);
  }

  debug(...args: LogArgs): void {
    this.real.debug(...args);
  }

  trace(...args: LogArgs): void {
    this.real.trace(...args);
  }

  // pino's `silent` logs nothing: no reason to build the child logger for it.
  silent(..._args: LogArgs): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** A request logger (see LazyChildLogger). */
function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options) satisfies FastifyBaseLogger;
}

export interface BuildServerOptions {
  /** Skip the dashboard's static files (tests). */
  readonly dashboard?: boolean;
}

/** Builds the server (routes, hooks, docs, stream); call `listen` to serve. */
export async function buildServer(ctx: ApiContext, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const { config, metrics } = ctx;
  const bodyLimit = config.server.bodyLimitBytes;
  const app = fastify({
    loggerInstance: ctx.logger as unknown as FastifyBaseLogger,
    // Request lines cost a third of the throughput; refusals and errors are logged by the handlers below.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit,
    trustProxy: false,
    return503OnClosing: true,
    ajv: undefined,
  });
  installZodCompilers(app, (part: string, error: z.ZodError) => validationError(part, error));
  // Declared up front so every request object has the same shape.
  app.decorateRequest('tokenHash', null);
  app.decorateRequest('caller', undefined);

  /** The request's token hashed once (the rate limiter and the auth hook both need it). */
  const tokenHashOf = (request: FastifyRequest): string => {
    if (request.tokenHash === null) {
      const token = bearerToken(request.headers.authorization);
      request.tokenHash = token === undefined ? '' : hashToken(token);
    }
    return request.tokenHash;
  };

  app.setErrorHandler((error, request, reply) => {
    const http = toHttpError(error, bodyLimit);
    if (!http) {
      metrics.reject('internal_error');
      request.log.error({ err: error, method: request.method, url: request.routeOptions.url ?? request.url.split('?')[0] }, 'request failed');
      void reply.status(500).send(new HttpError(500, 'internal_error', 'internal error; the server log has the details').body());
      return;
    }
    metrics.reject(http.code);
    if (http.statusCode === 429 && reply.getHeader('retry-after') === undefined) void reply.header('retry-after', '60');
    void reply.status(http.statusCode).send(http.body());
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.reject('not_found');
    void reply.status(404).send(new HttpError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}; see /docs`).body());
  });

  app.addHook('onResponse', (_request, reply, done) => {
    metrics.response(reply.statusCode, reply.elapsedTime);
    done();
  });

  if (config.server.cors.origins.length > 0) {
    await app.register(cors, { origin: config.server.cors.origins, methods: ['GET', 'POST', 'PATCH', 'DELETE'], allowedHeaders: ['authorization', 'content-type', 'x-arbiter-passphrase'] });
  }

  if (config.server.rateLimit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.server.rateLimit.max,
      timeWindow: config.server.rateLimit.windowMs,
      // Per known token (by id: the limiter's store never holds a token), else per address: an
      // unknown token counts against its address, so made-up tokens cannot each get a fresh allowance.
      keyGenerator: (request: FastifyRequest) => {
        const tokenHash = tokenHashOf(request);
        const record = tokenHash === '' ? undefined : ctx.tokens.lookupHash(tokenHash);
        return record ? `t:${record.id}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) => new HttpError(429, 'rate_limited', `rate limit: at most ${context.max} requests per ${context.after}; retry later`),
    });
  }

  // Token and scope. Runs before the body is parsed; routes declare their scope in config.
  app.addHook('preParsing', async (request, _reply, payload) => {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined || scope === 'public') return payload;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new HttpError(401, 'unauthorized', 'missing token: send Authorization: Bearer <token> (create one with npx arbiter token create --scope read)');
    const caller = ctx.tokens.lookupHash(tokenHashOf(request)) ?? (await ctx.tokens.verify(token));
    if (!caller) throw new HttpError(401, 'unauthorized', 'unknown or revoked token');
    if (!grants(caller.scopes, scope)) throw new HttpError(403, 'forbidden', `this needs a token with the ${scope} scope; this one has ${caller.scopes.join(', ')}`);
    request.caller = caller;
    return payload;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Arbiter API', version: '1', description: 'Every endpoint of Arbiter\'s server. Authenticate with `Authorization: Bearer <token>` (`npx arbiter token create --scope read|trade|admin`). docs/api.md has the guide.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `npx arbiter token create`' } } },
    },
    transform: ({ schema, url }) => {
      if (!schema) return { schema, url };
      const out: Record<string, unknown> = { ...schema };
      for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
        const s = (schema as Record<string, unknown>)[part];
        if (isZod(s)) out[part] = toOpenApiSchema(s, 'input');
      }
      const response = (schema as { response?: Record<string, unknown> }).response;
      if (response) out.response = Object.fromEntries(Object.entries(response).map(([code, s]) => [code, isZod(s) ? toOpenApiSchema(s, 'output') : s]));
      return { schema: out, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  registerWebSocket(app, ctx);
  await registerRoutes(app, ctx);

  if (options.dashboard !== false && config.server.dashboard !== false) await registerDashboard(app, config.server.dashboard);
  return app;
}

async function registerDashboard(app: FastifyInstance, dir: string): Promise<void> {
  const root = isAbsolute(dir) ? dir : resolve(repoRoot, dir);
  if (existsSync(join(root, 'index.html'))) {
    await app.register(fastifyStatic, { root, prefix: '/', index: ['index.html'], wildcard: true, schemaHide: true });
    return;
  }
  app.get('/', { schema: { hide: true } }, (_request, reply) => {
    void reply.type('text/html; charset=utf-8').send(
      `<!doctype html><meta charset="utf-8"><title>Arbiter</title><h1>Arbiter</h1><p>The dashboard is not built: run <code>npm run build:web</code> (it writes ${root}) and reload.</p><p>The API is up: <a href="/docs">/docs</a>.</p>`,
    );
  });
}
