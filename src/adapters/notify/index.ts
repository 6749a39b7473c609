/** Outgoing notifications: a Telegram bot and a generic signed webhook. Both are off unless configured. */
export { TelegramBot, type TelegramCommands, type TelegramConfig } from './telegram.js';
export { signBody, WebhookNotifier, type WebhookConfig } from './webhook.js';
