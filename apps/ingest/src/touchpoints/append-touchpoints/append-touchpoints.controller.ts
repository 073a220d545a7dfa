import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { HttpRequestError, requestBodyOf } from '@cdp/platform-runtime';
import { AppendTouchpoints, type AcceptedTouchpoint } from './append-touchpoints.command';
import { ACCEPTED_TOUCHPOINTS } from './append-touchpoints.openapi';

@ApiTags('touchpoints')
@Controller('v1/touchpoints')
export class AppendTouchpointsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Append one touchpoint, or a batch of up to 1,000 as { "touchpoints": [...] }',
    description:
      'Each touchpoint is validated against the latest Avro schema of its type (schemas/touchpoints/<type>/). Identifiers are normalised: emails lower-cased, phones to E.164 (an extension kept after ";ext="). Send an eventId (UUID) to make retries safe: an id already accepted is a no-op that answers 202 again.',
  })
  @ApiHeader({
    name: 'x-request-id',
    required: false,
    description: "Kept as the correlationId in each touchpoint's metadata, to trace a producer's request; one is made when absent.",
  })
  @ApiResponse({ status: 202, description: 'Durably in the log, in request order.', schema: ACCEPTED_TOUCHPOINTS })
  @ApiResponse({ status: 400, description: 'Nothing was appended: { error, message, errors: [{ index, path, message }] }.' })
  @ApiResponse({ status: 413, description: 'The body is over the size limit (CDP_MAX_BODY_BYTES).' })
  @ApiResponse({ status: 415, description: 'The body is not application/json, or in a charset or Content-Encoding the platform cannot read.' })
  @ApiResponse({
    status: 503,
    description:
      'Nothing needs undoing; send the same request again after Retry-After. EVENT_LOG.UNAVAILABLE: a store under the log does not answer. EVENT_LOG.APPEND_IN_PROGRESS (servers mode): some of its event ids are being appended by another request.',
  })
  async append(@Body() body: unknown, @Headers('x-request-id') requestId?: string): Promise<{ touchpoints: AcceptedTouchpoint[] }> {
    return { touchpoints: await this.commands.execute(new AppendTouchpoints(touchpointsOf(body), requestId ?? randomUUID())) };
  }
}

/**
 * A batch is an object with `touchpoints` and nothing else; any other body is one touchpoint, but
 * for a bare list and an object that looks like another API's batch (Segment's `{ "batch": [...] }`),
 * which are told how a batch is sent.
 */
function touchpointsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) throw notABatch('(root)', 'is a list');
  if (typeof body === 'object' && body !== null && Array.isArray((body as { batch?: unknown }).batch) && !Object.hasOwn(body, 'type')) {
    throw notABatch('batch', 'is no field of a touchpoint');
  }
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, 'touchpoints')) return [body];
  const { touchpoints } = requestBodyOf(body, ['touchpoints']);
  if (!Array.isArray(touchpoints)) {
    throw new HttpRequestError('HTTP.INVALID_REQUEST', 'a batch is { "touchpoints": [...] }', [{ path: 'touchpoints', message: 'must be a list of touchpoints' }]);
  }
  return touchpoints;
}

function notABatch(path: string, what: string): HttpRequestError {
  return new HttpRequestError('HTTP.INVALID_REQUEST', 'a batch is { "touchpoints": [...] }', [{ path, message: `${what}: send a batch as { "touchpoints": [...] }` }]);
}
