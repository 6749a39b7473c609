/**
 * How a route is declared: method, path, scope, zod schemas for the request parts and the
 * responses, and a typed handler. The zod schemas validate requests (a failure is a 400 naming
 * the field) and are turned into JSON Schema for the OpenAPI document; responses are built by
 * typed mappers and serialised with JSON.stringify (tests check them against the schemas), so
 * the hot path does not validate its own output.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import type { Scope, TokenRecord } from './auth/tokens.js';
import { errorSchema } from './schemas/common.js';

/** Who is calling: the token's record (never the token). */
export type Caller = TokenRecord;

export interface RouteRequest<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly params: P;
  /** The authenticated caller; undefined only on public routes. */
  readonly caller: Caller | undefined;
  readonly raw: FastifyRequest;
}

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined> {
  readonly method: HTTPMethods;
  readonly url: string;
  /** The least scope needed, or `public` (no token: health, docs, the passphrase-checked webhook). */
  readonly scope: Scope | 'public';
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly body?: B;
  readonly querystring?: Q;
  readonly params?: P;
  /** Response schemas by status code (documentation and tests). */
  readonly response: Readonly<Record<number, z.ZodType>>;
  readonly bodyLimit?: number;
  /** Other content types the route accepts besides JSON (the webhook takes text). */
  readonly consumes?: readonly string[];
  /**
   * Reuse a GET's answer for the same URL for `ttlMs` (micro-caching a read model that many
   * clients poll). Auth, scope, rate limit and validation still run on every request; only the
   * handler's work is shared. Only for answers that depend on nothing but the URL (not on the
   * caller), from handlers that answer 200 or throw.
   */
  readonly cache?: RouteCache;
  readonly handler: (request: RouteRequest<Infer<B>, Infer<Q>, Infer<P>>, reply: FastifyReply) => Promise<unknown>;
}

export interface RouteCache {
  /** How long an answer is reused, from the moment its computation started. */
  readonly ttlMs: number;
  /** Most distinct URLs kept (default 64; the oldest goes first). */
  readonly maxEntries?: number;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serialised answers by URL (as bytes: a cached answer is not encoded again per request). Requests
 * that arrive while an answer is being computed wait for it rather than computing it again; a
 * failed computation is not kept.
 */
export class ResponseCache<T = Buffer> {
  private readonly entries = new Map<string, { readonly at: number; readonly body: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 64,
    private readonly now: () => number = () => performance.now(),
  ) {}

  fetch(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (now - hit.at < this.ttlMs) return hit.body;
      this.entries.delete(key);
    } else if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    const entry = { at: now, body: compute() };
    this.entries.set(key, entry);
    entry.body.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.body;
  }
}

/** The zod schema a route part was declared with, keyed by the object Fastify hands the compiler. */
const partNames: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

declare module 'fastify' {
  interface FastifyContextConfig {
    scope?: Scope | 'public';
  }
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** Registers a route described by a spec. */
export function addRoute<B extends z.ZodType | undefined, Q extends z.ZodType | undefined, P extends z.ZodType | undefined>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, P>,
): void {
  const response: Record<number, z.ZodType> = { ...spec.response };
  for (const code of spec.scope === 'public' ? [400, 429] : [400, 401, 403, 429]) response[code] ??= errorSchema;
  const call = (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => spec.handler({
    body: request.body as Infer<B>, query: request.query as Infer<Q>, params: request.params as Infer<P>, caller: request.caller, raw: request,
  }, reply);
  let handler = call;
  if (spec.cache) {
    if (spec.method !== 'GET') throw new Error(`${spec.method} ${spec.url}: only GET answers may be cached`);
    const cache = new ResponseCache(spec.cache.ttlMs, spec.cache.maxEntries);
    handler = (request, reply) => {
      void reply.type(JSON_TYPE);
      return cache.fetch(request.url, async () => Buffer.from(JSON.stringify(await call(request, reply))));
    };
  }
  app.route({
    method: spec.method,
    url: spec.url,
    ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
    config: { scope: spec.scope },
    schema: {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [...spec.tags],
      ...(spec.scope === 'public' ? {} : { security: [{ bearer: [] }] }),
      ...(spec.body ? { body: spec.body } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.consumes ? { consumes: ['application/json', ...spec.consumes] } : {}),
      response,
    },
    handler,
  });
}

/** Fastify compilers: zod validates requests; responses are serialised as they are. */
export function installZodCompilers(app: FastifyInstance, onInvalid: (part: string, error: z.ZodError) => Error): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = schema as unknown as z.ZodType;
    const part = partNames[httpPart ?? 'body'] ?? String(httpPart);
    return (data: unknown) => {
      const result = zod.safeParse(data);
      return result.success ? { value: result.data } : { error: onInvalid(part, result.error) };
    };
  });
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
}

/** JSON Schema of a zod schema for the OpenAPI document (definitions inlined). */
export function toOpenApiSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  const definitions = (json.definitions ?? {}) as Record<string, unknown>;
  delete json.definitions;
  return inline(json, definitions) as Record<string, unknown>;
}

function inline(node: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => inline(n, definitions));
  if (typeof node !== 'object' || node === null) return node;
  const record = node as Record<string, unknown>;
  if (typeof record.$ref === 'string' && record.$ref.startsWith('#/definitions/')) {
    return inline(definitions[record.$ref.slice('#/definitions/'.length)], definitions);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, inline(v, definitions)]));
}

/** True when a value is a zod schema (the swagger transform sees Fastify's route schemas). */
export function isZod(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}
