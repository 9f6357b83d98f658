import { StreamableFile } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';

/**
 * Express, with one shortcut: a handler's plain object or array answer is serialised and sent
 * straight through node's response (JSON.stringify, Content-Type, Content-Length, end), the bytes
 * res.json would send without the res.json → res.send chain (charset parsing, freshness checks)
 * the profile showed on every request. Anything else (no body, strings, buffers, streams, errors,
 * 204/304, a Content-Type set by the handler) goes the usual way.
 */
export class JsonReplyExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (body === null || typeof body !== 'object' || body instanceof StreamableFile || body instanceof Error || Buffer.isBuffer(body)) {
      return super.reply(response, body, statusCode);
    }
    const status = statusCode ?? response.statusCode;
    if (status === 204 || status === 304 || response.getHeader('Content-Type') !== undefined) return super.reply(response, body, statusCode);
    const json = JSON.stringify(body);
    response.statusCode = status;
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('Content-Length', Buffer.byteLength(json));
    // node sends no body for HEAD itself.
    return response.end(json);
  }
}
