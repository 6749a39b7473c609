/**
 * Loopback fakes of what the notification adapters talk to: a Telegram Bot API server (the wire
 * format of https://core.telegram.org/bots/api — `POST /bot<token>/<method>` with a JSON body,
 * answers `{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …}`,
 * `getUpdates` long polling with `offset` confirming earlier updates) and a webhook receiver.
 * Both listen on 127.0.0.1 on a free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A Bot API `Message` (the fields a bot reads). */
export interface TelegramMessage {
  readonly message_id: number;
  readonly from: { readonly id: number; readonly is_bot: boolean; readonly first_name: string; readonly username?: string };
  readonly chat: { readonly id: number | string; readonly type: 'private' | 'group' };
  /** Unix time in seconds. */
  readonly date: number;
  readonly text: string;
  readonly entities?: ReadonlyArray<{ readonly offset: number; readonly length: number; readonly type: 'bot_command' }>;
}

export interface TelegramCall {
  readonly method: string;
  /** The token the URL carried was the bot's. */
  readonly tokenOk: boolean;
  readonly body: Record<string, unknown>;
}

/** A canned failure: HTTP status and Bot API error (`parameters.retry_after` for 429). */
export interface TelegramFailure {
  readonly status: number;
  readonly description: string;
  readonly retryAfterSec?: number;
}

export interface FakeTelegram {
  /** `http://127.0.0.1:<port>`: the bot's `apiBase`. */
  readonly apiBase: string;
  readonly calls: TelegramCall[];
  /** Messages the bot sent (sendMessage bodies that succeeded). */
  readonly sent: Array<{ readonly chat_id: unknown; readonly text: string; readonly body: Record<string, unknown> }>;
  /** A user writes to the bot: the update is delivered to the next (or the waiting) getUpdates. */
  userSends(text: string, options?: { chatId?: number | string; fromId?: number; username?: string; date?: number }): number;
  /** The next `n` sendMessage calls fail with `failure`. */
  failSends(n: number, failure: TelegramFailure): void;
  /** Waits until a sent message matches. */
  waitForSent(match: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

async function until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A Telegram Bot API server for one bot (`token`); `chats` are the chat ids that exist. */
export async function fakeTelegram(token: string, options: { chats?: ReadonlyArray<number | string> } = {}): Promise<FakeTelegram> {
  const chats = new Set((options.chats ?? []).map(String));
  const calls: TelegramCall[] = [];
  const sent: FakeTelegram['sent'] = [];
  let updates: Array<{ update_id: number; message: TelegramMessage }> = [];
  let nextUpdateId = 500_000;
  let nextMessageId = 1;
  const failures: TelegramFailure[] = [];
  const waiters = new Set<() => void>();

  const server = createServer((request, response) => {
    void (async () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
      const text = await readBody(request);
      if (!match || request.method !== 'POST') return json(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, urlToken, method] = match;
      let body: Record<string, unknown> = {};
      try {
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        return json(response, 400, { ok: false, error_code: 400, description: 'Bad Request: can\'t parse JSON' });
      }
      calls.push({ method: method!, tokenOk: urlToken === token, body });
      if (urlToken !== token) return json(response, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

      if (method === 'getUpdates') {
        const offset = typeof body.offset === 'number' ? body.offset : 0;
        // An offset confirms every update before it: Telegram forgets them.
        if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
        const pending = (): typeof updates => updates.filter((u) => u.update_id >= offset);
        const timeoutSec = typeof body.timeout === 'number' ? body.timeout : 0;
        if (pending().length === 0 && timeoutSec > 0) {
          await new Promise<void>((resolve) => {
            const wake = (): void => {
              clearTimeout(timer);
              waiters.delete(wake);
              resolve();
            };
            const timer = setTimeout(wake, timeoutSec * 1000);
            waiters.add(wake);
            request.socket.once('close', wake);
          });
        }
        if (response.destroyed) return undefined;
        return json(response, 200, { ok: true, result: pending() });
      }

      if (method === 'sendMessage') {
        const failure = failures.shift();
        if (failure) {
          return json(response, failure.status, {
            ok: false, error_code: failure.status, description: failure.description,
            ...(failure.retryAfterSec !== undefined ? { parameters: { retry_after: failure.retryAfterSec } } : {}),
          });
        }
        if (typeof body.text !== 'string' || body.text.trim() === '') return json(response, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
        if (!chats.has(String(body.chat_id))) return json(response, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        sent.push({ chat_id: body.chat_id, text: body.text, body });
        const message: TelegramMessage = {
          message_id: nextMessageId++, from: { id: 777, is_bot: true, first_name: 'Arbiter', username: 'arbiter_bot' },
          chat: { id: Number(body.chat_id), type: 'private' }, date: Math.floor(Date.now() / 1000), text: body.text,
        };
        return json(response, 200, { ok: true, result: message });
      }
      return json(response, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    })();
  });
  const port = await listen(server);

  return {
    apiBase: `http://127.0.0.1:${port}`,
    calls, sent,
    userSends(text, o = {}) {
      const chatId = o.chatId ?? [...chats][0] ?? 1;
      const command = /^\/\w+/.exec(text);
      const update = {
        update_id: nextUpdateId++,
        message: {
          message_id: nextMessageId++, from: { id: o.fromId ?? 1001, is_bot: false, first_name: 'Alice', username: o.username ?? 'alice' },
          chat: { id: typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId, type: 'private' as const },
          date: o.date ?? Math.floor(Date.now() / 1000), text,
          ...(command ? { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' as const }] } : {}),
        },
      };
      updates.push(update);
      for (const wake of [...waiters]) wake();
      return update.update_id;
    },
    failSends(n, failure) {
      for (let i = 0; i < n; i++) failures.push(failure);
    },
    waitForSent(match, timeoutMs = 5000) {
      return until(() => sent.find((m) => match(m.text))?.text, timeoutMs, 'a Telegram message');
    },
    close: () => closeServer(server),
  };
}

export interface WebhookDelivery {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly at: number;
}

/** What the receiver answers to one post: a status (and headers), or `hang` (never answer). */
export type WebhookAnswer = { readonly status: number; readonly headers?: Record<string, string> } | 'hang';

export interface FakeWebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: string;
  /** Every post received, answered or not. */
  readonly received: WebhookDelivery[];
  /** The next answers, in order; 200 once they run out. */
  answer(...answers: WebhookAnswer[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
}

export async function fakeWebhookReceiver(path = '/hooks/arbiter'): Promise<FakeWebhookReceiver> {
  const received: WebhookDelivery[] = [];
  const answers: WebhookAnswer[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      received.push({ headers: request.headers, body, at: Date.now() });
      const answer = answers.shift() ?? { status: 200 };
      if (answer === 'hang') return;
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.headers ?? {}) });
      response.end(answer.status < 300 ? 'ok' : 'no');
    })();
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answer: (...a) => {
      answers.push(...a);
    },
    waitFor: (count, timeoutMs = 5000) => until(() => (received.length >= count ? received.slice(0, count) : undefined), timeoutMs, `${count} webhook posts`),
    close: () => closeServer(server),
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}
