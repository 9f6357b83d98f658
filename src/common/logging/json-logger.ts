import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { redactText, redactValue } from './redact';

/**
 * Nest logger writing one JSON object per line to stdout, with phones, tokens and
 * passwords masked. Stack traces stay in the log (never in responses), scrubbed too.
 */
export class JsonLogger implements LoggerService {
  private readonly logger: Logger;

  /** `fields` go on every line (a CLUSTER_WORKERS worker's `worker: n`). */
  constructor(level = 'info', destination?: pino.DestinationStream, fields: Record<string, unknown> = {}) {
    this.logger = pino(
      { level, base: { service: 'pend-backend', ...fields }, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'message' },
      destination ?? pino.destination({ fd: 1, sync: true }),
    );
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]) {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes the context as the last string argument, and a stack before it for errors.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    for (const arg of args) {
      if (typeof arg === 'string') fields.stack = redactText(arg);
      else if (arg && typeof arg === 'object') Object.assign(fields, redactValue(arg) as object);
    }
    if (message instanceof Error) {
      fields.err = { name: message.name, stack: redactText(message.stack ?? message.message) };
      this.logger[level](fields, redactText(message.message));
    } else if (message && typeof message === 'object') {
      this.logger[level]({ ...fields, ...(redactValue(message) as object) });
    } else {
      this.logger[level](fields, redactText(String(message)));
    }
  }
}
