import { applyDecorators, Body, Controller, Headers, HttpCode, Inject, Options, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { mayOperate, type Actor, type FieldProblem } from '../../../../libs/domain/src';
import { PayloadDecryptionError } from '../../../../libs/temporal/src';
import { CurrentActor, Public } from '../auth/auth.guard';
import { Problems } from '../common/openapi';
import { ProblemException } from '../common/problem';

export const CODEC_OPTIONS = Symbol('CODEC_OPTIONS');
export interface CodecOptions {
  /** Undefined when no key ring is configured: payloads are then not sealed and there is nothing to decode. */
  codec?: PayloadCodec;
  /** The namespace the engine's workflows run in; the UI names it in X-Namespace. */
  namespace: string;
}

/** A payload as the remote codec protocol carries it: metadata values and data in base64. */
interface WirePayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Most payloads one request may carry (the UI sends one history page's worth). */
const MAX_PAYLOADS = 1000;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readPayloads(body: unknown): Payload[] {
  const problems: FieldProblem[] = [];
  // Protobuf's JSON leaves out an empty list: the CLI sends `{}` for no payloads.
  const payloads = (body as { payloads?: unknown } | null)?.payloads ?? [];
  if (!Array.isArray(payloads)) {
    problems.push({ field: 'payloads', rule: 'array', message: 'an array of payloads ({ metadata: { key: base64 }, data: base64 })' });
  } else if (payloads.length > MAX_PAYLOADS) {
    problems.push({ field: 'payloads', rule: 'max_items', message: `at most ${MAX_PAYLOADS} payloads per request` });
  }
  for (const key of Object.keys((body as object | null) ?? {})) {
    if (key !== 'payloads') problems.push({ field: key, rule: 'unknown_property', message: 'only "payloads" is read' });
  }
  const out: Payload[] = [];
  (Array.isArray(payloads) ? payloads.slice(0, MAX_PAYLOADS) : []).forEach((raw: unknown, i) => {
    const field = `payloads[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ field, rule: 'object', message: 'a payload object' });
      return;
    }
    const { metadata = {}, data = '', ...rest } = raw as WirePayload & Record<string, unknown>;
    for (const key of Object.keys(rest)) problems.push({ field: `${field}.${key}`, rule: 'unknown_property', message: 'a payload has metadata and data only' });
    if (typeof data !== 'string' || !BASE64.test(data)) problems.push({ field: `${field}.data`, rule: 'base64', message: 'base64 text' });
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
      problems.push({ field: `${field}.metadata`, rule: 'object', message: 'an object of base64 values' });
      return;
    }
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string' || !BASE64.test(value)) problems.push({ field: `${field}.metadata.${key}`, rule: 'base64', message: 'base64 text' });
    }
    out.push({
      metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(String(v), 'base64'))])),
      data: new Uint8Array(Buffer.from(typeof data === 'string' ? data : '', 'base64')),
    });
  });
  if (problems.length) throw ProblemException.of(400, 'INVALID_BODY', `${problems.length} problem(s) in the request`, { errors: problems });
  return out;
}

function writePayloads(payloads: Payload[]): { payloads: WirePayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

class WirePayloadDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'metadata values in base64' })
  metadata!: Record<string, string>;

  @ApiProperty({ description: 'base64' })
  data!: string;
}

class PayloadsDto {
  @ApiProperty({ type: [WirePayloadDto] })
  payloads!: WirePayloadDto[];
}

/** Both codec routes answer payloads; a POST, so the Idempotency-Key rules apply too (400, 409, 422). */
const CodecResponses = () =>
  applyDecorators(ApiResponse({ status: 200, description: 'The payloads, opened or sealed', type: PayloadsDto }), Problems(400, 401, 403, 404, 409, 422, 503));

/**
 * The Temporal remote codec protocol, so that the Temporal UI (or `temporal --codec-endpoint`) shows
 * sealed payloads to an administrator. Decoding opens every case in the namespace: administrators only,
 * and never the network secretariat, whose view of cases is a summary without persons.
 */
@ApiTags('codec')
@ApiBearerAuth()
@Controller('codec')
export class CodecController {
  constructor(@Inject(CODEC_OPTIONS) private readonly options: CodecOptions) {}

  @Post('decode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open sealed Temporal payloads (remote codec protocol), for administrators' })
  @CodecResponses()
  @ApiHeader({ name: 'X-Namespace', required: false, description: 'Temporal namespace the payloads come from' })
  async decode(@CurrentActor() actor: Actor, @Headers('x-namespace') namespace: string | undefined, @Body() body: unknown) {
    const codec = this.admit(actor, namespace);
    try {
      return writePayloads(await codec.decode(readPayloads(body)));
    } catch (err) {
      if (err instanceof PayloadDecryptionError)
        throw ProblemException.of(422, 'PAYLOAD_NOT_DECODABLE', err.message, { errors: [{ field: 'payloads', rule: 'decryptable', message: err.message }] });
      throw err;
    }
  }

  @Post('encode')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seal payloads with the current key (remote codec protocol), for administrators' })
  @CodecResponses()
  @ApiHeader({ name: 'X-Namespace', required: false, description: 'Temporal namespace the payloads go to' })
  async encode(@CurrentActor() actor: Actor, @Headers('x-namespace') namespace: string | undefined, @Body() body: unknown) {
    const codec = this.admit(actor, namespace);
    return writePayloads(await codec.encode(readPayloads(body)));
  }

  /** CORS preflight of the UI's browser: answered without a token (browsers never send one here). */
  @Public()
  @Options(['decode', 'encode'])
  @HttpCode(204)
  preflight(): void {}

  private admit(actor: Actor, namespace: string | undefined): PayloadCodec {
    const decision = mayOperate(actor);
    if (decision.outcome !== 'ALLOW' || decision.role !== 'ADMIN') {
      throw ProblemException.of(403, 'FORBIDDEN', 'only administrators may decode or encode Temporal payloads');
    }
    if (namespace !== undefined && namespace !== this.options.namespace) {
      throw ProblemException.of(400, 'INVALID_HEADER', `this engine serves namespace "${this.options.namespace}"`, {
        errors: [{ field: 'X-Namespace', rule: 'namespace', message: `"${this.options.namespace}"` }],
      });
    }
    if (!this.options.codec)
      throw ProblemException.of(404, 'CODEC_NOT_CONFIGURED', 'payloads are not sealed here (no TEMPORAL_CODEC_KEYS): there is nothing to decode');
    return this.options.codec;
  }
}
